/**
 * Hands the signed-in user's JWT to the normal trusted-identity flow (`createTrustedIdentity().forToken`):
 * local verification, `CreateTokenWithIAM`, `AssumeRole` with the identity context. With
 * `webIdentityRoleArn`, both AWS calls are signed with credentials from `AssumeRoleWithWebIdentity(role,
 * JWT)`, so a desktop needs no AWS credentials of its own. The flow's cache store is captured to keep the
 * IdC token set (with its refresh token) in the encrypted token cache.
 *
 * @module
 */
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { createStsClient, releaseClient } from '../aws/clients.js';
import type { AwsClientConfig } from '../aws/clients.js';
import { resolveRetry } from '../aws/retry.js';
import { cacheKey } from '../cache/key.js';
import { unbindValue } from '../cache/bound-value.js';
import type { CacheStore } from '../cache/types.js';
import { sanitizeSessionName } from '../credentials/session-name.js';
import { assumeRoleWithWebIdentity } from '../credentials/web-identity.js';
import { TipError } from '../errors.js';
import { allowInsecureRequests } from '../jwt/insecure.js';
import { idcTokenCodec } from '../session/codecs.js';
import { createTrustedIdentity } from '../tip.js';
import type { TrustedIdentity } from '../tip.js';
import { isLoopbackHttp } from './loopback-url.js';
import type { ResolvedProfile } from './profile.js';
import type { CachedRoleCredentials, CachedStoreEntry } from './token-cache/record.js';

/** What one exchange yields. Holds secrets. */
export interface ExchangeResult {
  /** Identity-enhanced role credentials. */
  readonly role: CachedRoleCredentials;
  /** The IdC token set's store entries (for `tip-sdk token`), keyed as the flow keyed them. */
  readonly store: Readonly<Record<string, CachedStoreEntry>>;
  /** Who, not secret. */
  readonly user: { readonly issuer: string; readonly subject: string; readonly idcUserId: string };
}

/** A store that keeps only what the flow writes during one exchange, and never serves an old value. */
function captureStore(): { store: CacheStore; entries: Map<string, CachedStoreEntry> } {
  const entries = new Map<string, CachedStoreEntry>();
  return {
    entries,
    store: {
      get: async () => undefined,
      async set(key, value, ttlMs) {
        // Only IdC token sets are worth keeping: role credentials are kept by the connector itself. The
        // memo binds each value to its key; the token cache keeps the codec's text.
        let text: string;
        try {
          text = unbindValue(key, value);
          idcTokenCodec.decode(text);
        } catch {
          return;
        }
        entries.set(key, { value: text, expiresAt: Date.now() + ttlMs });
      },
      async delete(key) {
        entries.delete(key);
      },
    },
  };
}

/** AWS SDK settings for the profile: its endpoint and the caller's extra settings. */
export function awsSettings(profile: ResolvedProfile, extra: AwsClientConfig | undefined): AwsClientConfig {
  return { ...(extra ?? {}), ...(profile.endpoint === undefined ? {} : { endpoint: profile.endpoint }) };
}

/**
 * Exchanges `jwt` for identity-enhanced credentials through `createTrustedIdentity().forToken`.
 *
 * @throws TipError `ERR_PROFILE_INVALID` when the profile lacks `applicationArn`/`accessRoleArn`, and every
 *   error of `forToken` (`ERR_JWT_*`, `ERR_IDC_*`, `ERR_STS_*`, `ERR_AWS_*`).
 */
export async function exchangeJwt(
  profile: ResolvedProfile,
  jwt: string,
  extra: AwsClientConfig | undefined,
  signal?: AbortSignal,
): Promise<ExchangeResult> {
  const { applicationArn, accessRoleArn, issuer, audience } = profile;
  if (applicationArn === undefined || accessRoleArn === undefined) {
    throw new TipError(
      'ERR_PROFILE_INVALID',
      'AWS credentials need the profile settings `applicationArn` and `accessRoleArn` (flags --application-arn, --access-role-arn).',
      { details: { path: applicationArn === undefined ? 'applicationArn' : 'accessRoleArn' } },
    );
  }
  if (issuer === undefined || audience === undefined) {
    throw new TipError(
      'ERR_PROFILE_INVALID',
      'The profile needs `issuer` and `audience` to verify the token.',
      {
        details: { path: issuer === undefined ? 'issuer' : 'audience' },
      },
    );
  }
  const settings = awsSettings(profile, extra);
  let signing: AwsClientConfig = settings;
  const roleArn = profile.webIdentityRoleArn;
  let sts: ReturnType<typeof createStsClient> | undefined;
  if (roleArn !== undefined) {
    const bootstrapSts = createStsClient(profile.region, settings);
    sts = bootstrapSts;
    let bootstrap: Promise<AwsCredentialIdentity> | undefined;
    const name = sanitizeSessionName(
      `tip-connector-${cacheKey('connector', [issuer, profile.name]).slice(0, 16)}`,
    );
    signing = {
      ...settings,
      credentials: () => {
        bootstrap ??= assumeRoleWithWebIdentity(
          bootstrapSts,
          roleArn,
          jwt,
          name,
          resolveRetry(undefined),
          Date.now,
          signal,
        ).then((c) => ({ ...c }));
        return bootstrap;
      },
    };
  }
  // Every asymmetric algorithm: the token already passed openid-client's checks at sign-in.
  const issuerOptions = { issuer, audience, algorithms: null };
  const { store, entries } = captureStore();
  const tip = createTrustedIdentity({
    region: profile.region,
    issuers: [isLoopbackHttp(issuer) ? allowInsecureRequests(issuerOptions) : issuerOptions],
    applicationArn,
    accessRoleArn,
    durationSeconds: profile.durationSeconds,
    ...(profile.exchangeScopes === undefined ? {} : { scopes: profile.exchangeScopes }),
    cache: { maxUsers: 1, store },
    clientConfig: signing,
  });
  try {
    return await exchangeWith(tip, jwt, signal, entries);
  } finally {
    // One exchange per trusted identity: release its clients (and the bootstrap one) at once.
    await tip.close();
    releaseClient(sts, settings);
  }
}

async function exchangeWith(
  tip: TrustedIdentity,
  jwt: string,
  signal: AbortSignal | undefined,
  entries: Map<string, CachedStoreEntry>,
): Promise<ExchangeResult> {
  const session = await tip.forToken(jwt, signal === undefined ? {} : { signal });
  const credentials = await session.credentials();
  const expiration = credentials.expiration?.getTime();
  if (credentials.sessionToken === undefined || expiration === undefined) {
    throw new TipError(
      'ERR_STS_RESPONSE_INVALID',
      'STS returned credentials without a session token or expiry.',
    );
  }
  return {
    role: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
      expiration,
    },
    store: Object.fromEntries(entries),
    user: {
      issuer: session.identity.issuer,
      subject: session.identity.subject,
      idcUserId: session.identity.idcUserId,
    },
  };
}
