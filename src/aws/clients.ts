/**
 * Construction of the sso-oidc and STS clients tip-sdk uses when none is injected.
 *
 * @module
 */
import { SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
import type { SSOOIDCClientConfig } from '@aws-sdk/client-sso-oidc';
import { STSClient } from '@aws-sdk/client-sts';
import type { STSClientConfig } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';

/**
 * Settings passed through to every AWS SDK client tip-sdk creates (and returned by
 * `UserSession.clientConfig()` for your own clients). This is how a local endpoint such as the emulator
 * plugs in: `{ endpoint: 'http://127.0.0.1:4566' }`.
 */
export interface AwsClientConfig {
  /** A custom endpoint URL for every client. Default: the AWS regional endpoint. */
  readonly endpoint?: string;
  /**
   * The service's own credentials, used to sign CreateTokenWithIAM and AssumeRole. Default: the SDK's
   * default credential chain. Never passed to the user's clients from `clientConfig()`.
   */
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** An SDK request handler (e.g. a `NodeHttpHandler` with its own agent). */
  readonly requestHandler?: unknown;
  /** Any other SDK client setting, passed through unchanged. */
  readonly [setting: string]: unknown;
}

/**
 * A new `SSOOIDCClient` with `maxAttempts: 1` (tip-sdk owns the retry loop, see `retry.ts`).
 *
 * @param region - The IAM Identity Center region.
 * @param config - Pass-through settings.
 */
export function createSsoOidcClient(region: string, config: AwsClientConfig | undefined): SSOOIDCClient {
  return new SSOOIDCClient({ ...(config ?? {}), region, maxAttempts: 1 } as SSOOIDCClientConfig);
}

/**
 * A new `STSClient` with `maxAttempts: 1` (tip-sdk owns the retry loop, see `retry.ts`).
 *
 * @param region - The STS region.
 * @param config - Pass-through settings.
 * @param credentials - Signing credentials overriding `config.credentials`.
 */
export function createStsClient(
  region: string,
  config: AwsClientConfig | undefined,
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider,
): STSClient {
  return new STSClient({
    ...(config ?? {}),
    ...(credentials === undefined ? {} : { credentials }),
    region,
    maxAttempts: 1,
  } as STSClientConfig);
}

/**
 * True when `config` carries a request handler object its caller built (one with a `handle` method): the
 * caller owns its sockets, so destroying a client that sends through it would close them under the caller.
 * Handler options (`{ requestTimeout }`) make the SDK build a handler of the client's own.
 */
export function hasCallerRequestHandler(config: Readonly<Record<string, unknown>> | undefined): boolean {
  const handler = config?.requestHandler as { handle?: unknown } | undefined;
  return typeof handler === 'object' && handler !== null && typeof handler.handle === 'function';
}

/**
 * Releases an SDK client tip-sdk created: destroys it (closing its idle sockets) unless it sends through
 * a request handler the caller passed in `config`, which stays the caller's to close.
 *
 * @param client - The client, or `undefined` when none was created.
 * @param config - The caller's settings the client was built from.
 */
export function releaseClient(
  client: { destroy(): void } | undefined,
  config: Readonly<Record<string, unknown>> | undefined,
): void {
  if (client === undefined || hasCallerRequestHandler(config)) return;
  try {
    client.destroy();
  } catch {
    // Closing is best effort: a client that fails to close holds nothing tip-sdk can release.
  }
}
