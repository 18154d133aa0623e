/**
 * Where the service's settings come from: environment variables for a real deployment, or an in-process
 * emulator (with its embedded IdP) for `--self-test`.
 */
import { fileURLToPath } from 'node:url';
import type { RunningEmulator } from '../../src/emulator/start.js';
import { startEmulator } from '../../src/emulator/start.js';
import type { EmulatorConfigInput } from '../../src/emulator/config/types.js';
import type { TrustedIdentityOptions } from '../../src/session/config.js';

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

/** Settings from `TIP_REGION`, `TIP_ISSUER`, `TIP_AUDIENCE`, `TIP_APPLICATION_ARN`, `TIP_ACCESS_ROLE_ARN`, `TIP_BUCKET`, `TIP_WORKGROUP`. */
export function settingsFromEnv(): ServiceSettings {
  return {
    tipOptions: {
      region: required('TIP_REGION'),
      issuers: [
        { issuer: required('TIP_ISSUER'), audience: required('TIP_AUDIENCE'), algorithms: ['RS256'] },
      ],
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
