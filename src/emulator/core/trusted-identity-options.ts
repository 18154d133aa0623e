/**
 * Options for `createTrustedIdentity` aimed at a running emulator: its region, the embedded IdP as the
 * trusted issuer (http on loopback, so explicitly allowed), the configured application and access role,
 * and SDK client settings that reach the emulator (S3 Control included) signed with a configured caller.
 */
import { TipError } from '../../errors.js';
import { allowInsecureRequests } from '../../jwt/insecure.js';
import type { TrustedIdentityOptions } from '../../session/config.js';
import type { EmulatorConfig } from '../config/types.js';
import type { EmulatorClientConfig } from './client-config.js';

/** What `RunningEmulator.trustedIdentityOptions()` may be told instead of choosing. */
export interface TrustedIdentityOptionsRequest {
  /** The application (`clientId`). Default: the first application with the jwt-bearer grant. */
  readonly applicationArn?: string;
  /** The role assumed with the identity context. Default: the first role whose trust policy allows `sts:SetContext`. */
  readonly accessRoleArn?: string;
  /** Audience the issuer accepts. Default: the embedded IdP's `audience`. */
  readonly audience?: string;
}

/** The options `RunningEmulator.trustedIdentityOptions()` returns: complete for `createTrustedIdentity`. */
export type EmulatorTrustedIdentityOptions = Required<
  Pick<TrustedIdentityOptions, 'region' | 'issuers' | 'applicationArn' | 'accessRoleArn' | 'clientConfig'>
>;

function missing(path: string, message: string): TipError {
  return new TipError('ERR_EMULATOR_CONFIG', `Emulator: ${message}`, {
    details: { path, reason: 'not_configured' },
  });
}

/** The first role whose trust policy allows `sts:SetContext` (directly or by wildcard): the access role. */
export function accessRoleOf(config: EmulatorConfig): string | undefined {
  return config.roles.find((r) =>
    r.trustPolicy.some(
      (s) => s.Effect === 'Allow' && [s.Action].flat().some((a) => /^sts:(SetContext|\*)$|^\*$/.test(a)),
    ),
  )?.arn;
}

/** The first application with the jwt-bearer grant. */
export function applicationOf(config: EmulatorConfig): string | undefined {
  return config.identityCenter.applications.find((a) => a.jwtBearer !== undefined)?.arn;
}

/**
 * Builds the options.
 *
 * @param clientConfig - The emulator's S3-capable client configuration (its `region` and `maxAttempts`
 *   are left out: tip-sdk takes the region separately and retries on its own).
 * @throws TipError `ERR_EMULATOR_CONFIG` when the IdP is disabled, or no application or access role fits.
 */
export function trustedIdentityOptions(
  config: EmulatorConfig,
  idpIssuer: string | undefined,
  clientConfig: EmulatorClientConfig,
  request: TrustedIdentityOptionsRequest = {},
): EmulatorTrustedIdentityOptions {
  if (idpIssuer === undefined) {
    throw missing(
      'idp',
      'the embedded IdP is disabled, so there is no issuer to trust; pass `issuers` yourself.',
    );
  }
  const applicationArn = request.applicationArn ?? applicationOf(config);
  if (applicationArn === undefined) {
    throw missing('identityCenter.applications', 'no application has the jwt-bearer grant.');
  }
  const accessRoleArn = request.accessRoleArn ?? accessRoleOf(config);
  if (accessRoleArn === undefined) {
    throw missing('roles', 'no role trusts `sts:SetContext`; pass `accessRoleArn`.');
  }
  const audience = request.audience ?? (config.idp ? config.idp.audience : 'tip-sdk-demo');
  const { region, maxAttempts: _attempts, ...settings } = clientConfig;
  return {
    region,
    issuers: [allowInsecureRequests({ issuer: idpIssuer, audience, algorithms: ['RS256'] })],
    applicationArn,
    accessRoleArn,
    clientConfig: settings,
  };
}
