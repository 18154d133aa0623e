/**
 * Which sso-oidc client signs a user's `CreateTokenWithIAM`: the service's own, or — with
 * `applicationRoleArn` — one signed with credentials from `AssumeRoleWithWebIdentity(applicationRoleArn,
 * JWT)`. Those bootstrap credentials are cached per user in process (they are short-lived and sign for one
 * user only), through the same memo primitive as everything else.
 *
 * @module
 */
import type { SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
import type { STSClient } from '@aws-sdk/client-sts';
import { createSsoOidcClient, releaseClient } from '../aws/clients.js';
import type { AwsClientConfig } from '../aws/clients.js';
import type { ResolvedRetry } from '../aws/retry.js';
import { cacheKey } from '../cache/key.js';
import { createMemo } from '../cache/memo.js';
import type { Clock } from '../cache/types.js';
import { sanitizeSessionName } from '../credentials/session-name.js';
import type { RoleCredentials } from '../credentials/types.js';
import { assumeRoleWithWebIdentity } from '../credentials/web-identity.js';

/** What the signing-client source needs. */
export interface SigningSettings {
  readonly region: string;
  readonly applicationRoleArn: string | undefined;
  readonly clientConfig: AwsClientConfig;
  readonly ssoOidc: Pick<SSOOIDCClient, 'send'>;
  readonly sts: Pick<STSClient, 'send'>;
  readonly clock: Clock;
  readonly retry: ResolvedRetry;
  readonly maxUsers: number;
}

/** The user a client is for, and the JWT for the bootstrap call. */
export interface SigningSubject {
  readonly issuer: string;
  readonly subject: string;
  /** The compact JWT. Secret. */
  readonly token: string;
  /** The JWT's `aud` values (STS judges them too, so they are part of the key). */
  readonly audience: readonly string[];
}

/** A client to sign with, and how to release it. */
export interface SigningClient {
  readonly client: Pick<SSOOIDCClient, 'send'>;
  dispose(): void;
}

/** Bootstrap credentials must stay valid this long to be reused, in milliseconds. */
const MIN_BOOTSTRAP_REMAINING_MS = 60_000;

/** Creates the signing-client source. */
export function createSigningClients(settings: SigningSettings): {
  forUser(subject: SigningSubject, signal: AbortSignal): Promise<SigningClient>;
  clear(): void;
  /** Forgets the bootstrap credentials of one user (for one audience list). */
  forget(subject: Omit<SigningSubject, 'token'>): void;
} {
  const bootstrap = createMemo<RoleCredentials>({ maxEntries: settings.maxUsers, clock: settings.clock });
  const shared: SigningClient = { client: settings.ssoOidc, dispose: () => undefined };
  const keyOf = (subject: Omit<SigningSubject, 'token'>, roleArn: string) =>
    cacheKey('bootstrap', [subject.issuer, subject.subject, roleArn, ...[...subject.audience].sort()]);
  return {
    async forUser(subject, signal) {
      const roleArn = settings.applicationRoleArn;
      if (roleArn === undefined) return shared;
      const key = keyOf(subject, roleArn);
      const credentials = await bootstrap.get(
        key,
        async (ctx) => {
          // A digest-derived name: stable per user, no personal data in CloudTrail.
          const name = sanitizeSessionName(`tip-bootstrap-${key.slice(0, 16)}`);
          const creds = await assumeRoleWithWebIdentity(
            settings.sts,
            roleArn,
            subject.token,
            name,
            settings.retry,
            settings.clock,
            ctx.signal,
          );
          return { value: creds, expiresAt: creds.expiration.getTime() };
        },
        { signal, minRemainingMs: MIN_BOOTSTRAP_REMAINING_MS },
      );
      // One client per exchange (exchanges are rare: about one per user per hour).
      const client = createSsoOidcClient(settings.region, {
        ...settings.clientConfig,
        // A copy: the SDK annotates credential objects, and the cached one is frozen.
        credentials: { ...credentials },
      });
      return { client, dispose: () => releaseClient(client, settings.clientConfig) };
    },
    clear() {
      bootstrap.clear();
    },
    forget(subject) {
      // In process only: this memo has no shared store.
      if (settings.applicationRoleArn !== undefined)
        void bootstrap.delete(keyOf(subject, settings.applicationRoleArn));
    },
  };
}
