/**
 * Where the service's settings come from: environment variables for a real deployment, or an in-process
 * emulator (with its embedded IdP) for `--self-test`.
 */
import { fileURLToPath } from 'node:url';
import type { RunningEmulator } from 'tip-sdk/emulator';
import { startEmulator } from 'tip-sdk/emulator';
import type { EmulatorConfigInput } from 'tip-sdk/emulator';
import { allowInsecureRequests } from 'tip-sdk';
import type { TrustedIdentityOptions } from 'tip-sdk';

/** The settings the app needs besides the trusted identity. */
export interface ServiceSettings {
  readonly tipOptions: TrustedIdentityOptions;
  /** Client settings for the user's own SDK clients (endpoint, request handler), without credentials. */
  readonly awsClientConfig: Record<string, unknown>;
  /** The bucket the `/files` route reads from. */
  readonly bucket: string;
  /** The Athena workgroup of the `/sales` route (IAM Identity Center enabled). */
  readonly workGroup: string;
}

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value.length === 0) throw new Error(`Set ${name} (see docs/http.md).`);
  return value;
}

/** True for an `http` issuer on a loopback host: the emulator's IdP, which cannot be reached from elsewhere. */
function loopbackHttp(url: string): boolean {
  try {
    const { protocol, hostname } = new URL(url);
    return (
      protocol === 'http:' &&
      (/^127(\.\d{1,3}){3}$/.test(hostname) || hostname === 'localhost' || hostname === '[::1]')
    );
  } catch {
    return false;
  }
}

/**
 * Settings from `TIP_REGION` (else `AWS_REGION`/`AWS_DEFAULT_REGION`), `TIP_ISSUER` (else `TIP_IDP_ISSUER`),
 * `TIP_AUDIENCE`, `TIP_APPLICATION_ARN`, `TIP_ACCESS_ROLE_ARN`, `TIP_BUCKET`, `TIP_WORKGROUP` — the names the
 * environment block of `tip-sdk emulator` prints, so the examples run against it as they are. An `http`
 * issuer is accepted only on loopback (the emulator's IdP).
 */
export function settingsFromEnv(): ServiceSettings {
  const issuer = process.env.TIP_ISSUER || process.env.TIP_IDP_ISSUER || required('TIP_ISSUER');
  const issuerOptions = { issuer, audience: required('TIP_AUDIENCE'), algorithms: ['RS256' as const] };
  return {
    tipOptions: {
      region:
        process.env.TIP_REGION ||
        process.env.AWS_REGION ||
        process.env.AWS_DEFAULT_REGION ||
        required('TIP_REGION'),
      issuers: [loopbackHttp(issuer) ? allowInsecureRequests(issuerOptions) : issuerOptions],
      applicationArn: required('TIP_APPLICATION_ARN'),
      accessRoleArn: required('TIP_ACCESS_ROLE_ARN'),
    },
    awsClientConfig: {},
    bucket: process.env.TIP_BUCKET ?? 'lake',
    workGroup: process.env.TIP_WORKGROUP ?? 'analysts',
  };
}

/** The example emulator configuration shared by every example. */
export const EMULATOR_CONFIG = fileURLToPath(new URL('../emulator.config.json', import.meta.url));

/** Starts the emulator on a free port (default config: {@link EMULATOR_CONFIG}) and returns settings aimed at it. */
export async function emulatorSettings(
  config: EmulatorConfigInput | string = EMULATOR_CONFIG,
): Promise<{ emu: RunningEmulator; settings: ServiceSettings }> {
  const emu = await startEmulator(config, { port: 0, quiet: true });
  const idp = emu.idp;
  if (idp === undefined) throw new Error('the example emulator config enables the embedded IdP');
  // Region, the IdP as issuer, the application, the access role, and client settings that reach every
  // service (S3 Control included) in one call.
  const tipOptions = emu.trustedIdentityOptions();
  const { credentials: _c, ...awsClientConfig } = tipOptions.clientConfig;
  return {
    emu,
    settings: {
      tipOptions,
      awsClientConfig,
      bucket: 'lake',
      workGroup: 'analysts',
    },
  };
}
