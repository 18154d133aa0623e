/**
 * `createConnector()`: one user's sign-in, tokens and identity-enhanced credentials for a desktop tool,
 * kept in the encrypted token cache across processes. Renewal is refresh-token first and silent: cached
 * credentials while they last, else the refresh token (the IdP's for `oidc` profiles, IAM Identity
 * Center's for `idc`), and only when that is gone does a sign-in need the browser. Renewals happen under
 * the profile's cache lock, and the cache is read again once the lock is held, so processes that start
 * together refresh once.
 *
 * @module
 */
import type { SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { TipError } from '../errors.js';
import type {
  Connector,
  ConnectorCallOptions,
  ConnectorCredentials,
  ConnectorOptions,
  ConnectorStatus,
  ConnectorToken,
} from './connector-types.js';
import { emitTo } from './events.js';
import { idcTokenSetOf } from './idc-token-set.js';
import type { ExchangeResult } from './oidc-exchange.js';
import type { IdpTokens } from './oidc-sign-in.js';
import { openSystemBrowser } from './open-browser.js';
import { profileDigest, type ResolvedProfile } from './profile.js';
import { createTokenCache, type TokenCache } from './token-cache/file-cache.js';
import type { CachedIdpTokens, CacheRecord } from './token-cache/record.js';
import {
  type ConnectorRedshiftTarget,
  cachedRedshiftToken,
  redshiftTargetKey,
  withRedshiftToken,
} from './redshift-token.js';
import { type OptionShape, optionKeys, rejectUnknownOptions } from '../option-keys.js';

// What a renewal or a sign-in needs (openid-client, the AWS SDK and the whole exchange flow) is loaded
// the first time one happens: a call the token cache answers — each `credential_process` run while the
// credentials last — loads none of it.
const clients = () => import('../aws/clients.js');
const idcSignIn = () => import('./idc-sign-in.js');
const oidcExchange = () => import('./oidc-exchange.js');
const oidcSignIn = () => import('./oidc-sign-in.js');
const redshiftTokenFetch = () => import('./redshift-token-fetch.js');

/**
 * A cached Redshift driver token serves while it has this long left, ms: a driver presents it only when it
 * connects.
 */
const REDSHIFT_TOKEN_MARGIN_MS = 60_000;

const CONNECTOR_SHAPE: OptionShape = {
  owner: 'createConnector',
  keys: optionKeys<ConnectorOptions>({
    cache: true,
    open: true,
    onAuthorizationUrl: true,
    onEvent: true,
    clientConfig: true,
    fetch: true,
  }),
};

function signInRequired(profile: string, reason: string): TipError {
  return new TipError(
    'ERR_SIGN_IN_REQUIRED',
    `Sign-in needed for profile "${profile}": run \`tip-sdk login --profile ${profile}\`.`,
    { details: { profile, reason } },
  );
}

function jwtOf(
  profile: ResolvedProfile,
  tokens: { readonly idToken?: string | undefined; readonly accessToken: string },
): string | undefined {
  return profile.tokenType === 'id_token' ? tokens.idToken : tokens.accessToken;
}

/**
 * Creates the connector for `profile` (see `resolveProfile`/`loadProfile`).
 *
 * @example
 * ```ts
 * const connector = createConnector(await loadProfile('default'));
 * const athena = new AthenaClient({ region: connector.profile.region, credentials: connector.credentialProvider() });
 * ```
 */
export function createConnector(profile: ResolvedProfile, options: ConnectorOptions = {}): Connector {
  rejectUnknownOptions(options, CONNECTOR_SHAPE);
  const cache: TokenCache =
    options.cache !== undefined && 'withLock' in options.cache
      ? options.cache
      : createTokenCache(options.cache);
  const minRemainingMs = profile.refreshBeforeSeconds * 1000;
  const open = options.open ?? openSystemBrowser;
  const settings = profileDigest(profile);
  const onEvent = options.onEvent;
  let ssoOidc: SSOOIDCClient | undefined;
  const ssoOidcClient = async () => {
    if (ssoOidc === undefined) {
      const [{ createSsoOidcClient }, { awsSettings }] = await Promise.all([clients(), oidcExchange()]);
      ssoOidc ??= createSsoOidcClient(profile.region, awsSettings(profile, options.clientConfig));
    }
    return ssoOidc;
  };

  async function close(): Promise<void> {
    if (ssoOidc === undefined) return;
    const client = ssoOidc;
    ssoOidc = undefined;
    (await clients()).releaseClient(client, options.clientConfig);
  }

  async function readRecord(): Promise<CacheRecord | undefined> {
    const { record, problem } = await cache.read(profile.name);
    if (problem !== undefined) {
      emitTo(onEvent, {
        type: 'cache.rejected',
        profile: profile.name,
        reason: (problem.details.reason as never) ?? 'corrupt',
      });
    }
    // A record written for other profile settings is a miss: its tokens may be for another IdP or app.
    return record?.settings === settings ? record : undefined;
  }

  const fresh = (expiresAt: number | undefined, marginMs: number) =>
    expiresAt !== undefined && expiresAt - Date.now() > marginMs;

  function toCredentials(role: NonNullable<CacheRecord['role']>): ConnectorCredentials {
    return {
      accessKeyId: role.accessKeyId,
      secretAccessKey: role.secretAccessKey,
      sessionToken: role.sessionToken,
      expiration: new Date(role.expiration),
    };
  }

  async function browserSignIn(base: CacheRecord | undefined, signal?: AbortSignal): Promise<CacheRecord> {
    const common = {
      port: profile.port,
      timeoutMs: profile.timeoutSeconds * 1000,
      open,
      ...(options.onAuthorizationUrl === undefined ? {} : { onAuthorizationUrl: options.onAuthorizationUrl }),
      ...(signal === undefined ? {} : { signal }),
      ...(onEvent === undefined ? {} : { onEvent }),
    };
    if (profile.signIn === 'idc') {
      const endpoint = profile.endpoint ?? `https://oidc.${profile.region}.amazonaws.com`;
      const { signInWithIdc } = await idcSignIn();
      const result = await signInWithIdc({
        ...common,
        client: await ssoOidcClient(),
        oidcEndpoint: endpoint,
        issuerUrl: profile.idcIssuerUrl as string,
        scopes: profile.idcScopes,
        clientName: profile.clientName,
        registered: base?.client,
      });
      return {
        v: 1,
        settings,
        idc: result.tokens,
        client: result.client,
        user: { issuer: profile.idcIssuerUrl },
      };
    }
    const { signInWithIdp } = await oidcSignIn();
    const tokens = await signInWithIdp({
      ...common,
      issuer: profile.issuer as string,
      clientId: profile.clientId as string,
      scopes: profile.scopes,
      authorizationParams: profile.authorizationParams,
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    });
    return { v: 1, settings, idp: idpRecord(tokens) };
  }

  function idpRecord(tokens: IdpTokens): CachedIdpTokens {
    return {
      ...(tokens.idToken === undefined ? {} : { idToken: tokens.idToken }),
      accessToken: tokens.accessToken,
      ...(tokens.refreshToken === undefined ? {} : { refreshToken: tokens.refreshToken }),
      ...(tokens.expiresAt === undefined ? {} : { expiresAt: tokens.expiresAt }),
      used: false,
    };
  }

  /** An unused, unexpired JWT: the cached one, else one from the IdP's refresh token. */
  async function currentJwt(record: CacheRecord): Promise<{ record: CacheRecord; jwt: string }> {
    const idp = record.idp;
    if (idp === undefined) throw signInRequired(profile.name, 'no_cache');
    const { discoverIdp, jwtExpiry, refreshIdpTokens } = await oidcSignIn();
    const cached = jwtOf(profile, idp);
    if (cached !== undefined && !idp.used && (jwtExpiry(cached) ?? 0) - Date.now() > 60_000) {
      emitTo(onEvent, { type: 'refresh.succeeded', profile: profile.name, via: 'cached-jwt' });
      return { record, jwt: cached };
    }
    if (idp.refreshToken === undefined) throw signInRequired(profile.name, 'no_refresh_token');
    const config = await discoverIdp({
      issuer: profile.issuer as string,
      clientId: profile.clientId as string,
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    });
    let tokens: IdpTokens;
    try {
      tokens = await refreshIdpTokens(config, idp.refreshToken, undefined);
    } catch (error) {
      if (error instanceof TipError && error.code === 'ERR_SIGN_IN_REQUIRED') {
        // The refresh token is dead: forget it, so the next call does not try it again.
        const { refreshToken: _gone, ...rest } = idp;
        await cache.write(profile.name, { ...record, idp: rest });
        throw signInRequired(profile.name, 'refresh_refused');
      }
      throw error;
    }
    const jwt = jwtOf(profile, tokens);
    if (jwt === undefined) throw signInRequired(profile.name, 'no_id_token_on_refresh');
    emitTo(onEvent, { type: 'refresh.succeeded', profile: profile.name, via: 'idp-refresh-token' });
    return { record: { ...record, idp: idpRecord(tokens) }, jwt };
  }

  async function withCredentials(record: CacheRecord, signal?: AbortSignal): Promise<CacheRecord> {
    const { record: current, jwt } = await currentJwt(record);
    // The JWT counts as used from here: IdC accepts a JWT once.
    const used: CacheRecord = { ...current, idp: { ...(current.idp as CachedIdpTokens), used: true } };
    let exchanged: ExchangeResult;
    try {
      const { exchangeJwt } = await oidcExchange();
      exchanged = await exchangeJwt(profile, jwt, options.clientConfig, signal);
    } catch (error) {
      await cache.write(profile.name, used);
      throw error;
    }
    return { ...used, role: exchanged.role, store: exchanged.store, user: exchanged.user };
  }

  /**
   * Runs `renew` under the lock unless a fresh value appears in the cache meanwhile. `pick(record, margin)`
   * returns the value when it has more than `margin` ms left; a just-renewed value only needs a minute.
   */
  async function renewing<T>(
    pick: (record: CacheRecord | undefined, marginMs: number) => T | undefined,
    renew: (record: CacheRecord | undefined) => Promise<CacheRecord>,
  ): Promise<T> {
    const first = pick(await readRecord(), minRemainingMs);
    if (first !== undefined) return first;
    return cache.withLock(profile.name, async () => {
      const record = await readRecord();
      const again = pick(record, minRemainingMs);
      if (again !== undefined) return again;
      let next: CacheRecord;
      try {
        next = await renew(record);
      } catch (error) {
        emitTo(onEvent, {
          type: 'refresh.failed',
          profile: profile.name,
          code: error instanceof TipError ? error.code : 'ERR_INTERNAL',
        });
        throw error;
      }
      await cache.write(profile.name, next);
      const out = pick(next, 60_000);
      if (out === undefined) {
        throw new TipError(
          'ERR_SIGN_IN_FAILED',
          'The renewed tokens are already expired: check the system clock.',
          {
            details: { reason: 'clock' },
          },
        );
      }
      return out;
    });
  }

  async function credentials(call: ConnectorCallOptions = {}): Promise<ConnectorCredentials> {
    if (profile.signIn === 'idc') {
      throw new TipError(
        'ERR_PROFILE_INVALID',
        'AWS credentials come from an `oidc` profile (external IdP, then CreateTokenWithIAM); an `idc` profile yields the IdC access token (`tip-sdk token`).',
        { details: { path: 'signIn' } },
      );
    }
    return renewing(
      (r, margin) =>
        r?.role !== undefined && fresh(r.role.expiration, margin) ? toCredentials(r.role) : undefined,
      async (record) => {
        if (record === undefined || (record.idp?.refreshToken === undefined && record.idp?.used !== false)) {
          if (!call.interactive)
            throw signInRequired(profile.name, record === undefined ? 'no_cache' : 'no_refresh_token');
          return withCredentials(await browserSignIn(record, call.signal), call.signal);
        }
        try {
          return await withCredentials(record, call.signal);
        } catch (error) {
          if (call.interactive && error instanceof TipError && error.code === 'ERR_SIGN_IN_REQUIRED') {
            return withCredentials(await browserSignIn(record, call.signal), call.signal);
          }
          throw error;
        }
      },
    );
  }

  async function idcAccessToken(call: ConnectorCallOptions = {}): Promise<ConnectorToken> {
    if (profile.signIn === 'oidc') {
      return renewing(
        (r, margin) => {
          const set =
            r?.role !== undefined && fresh(r.role.expiration, margin)
              ? idcTokenSetOf(r.store, Date.now())
              : undefined;
          return set !== undefined && fresh(set.expiresAt, margin)
            ? { token: set.accessToken, expiresAt: set.expiresAt }
            : undefined;
        },
        async (record) => {
          if (record === undefined) {
            if (!call.interactive) throw signInRequired(profile.name, 'no_cache');
            return withCredentials(await browserSignIn(record, call.signal), call.signal);
          }
          return withCredentials(record, call.signal);
        },
      );
    }
    return renewing(
      (r, margin) =>
        r?.idc !== undefined && fresh(r.idc.expiresAt, margin)
          ? { token: r.idc.accessToken, expiresAt: r.idc.expiresAt }
          : undefined,
      async (record) => {
        if (
          record?.idc !== undefined &&
          record.client !== undefined &&
          record.idc.refreshToken !== undefined
        ) {
          try {
            const { refreshIdcTokens } = await idcSignIn();
            const idc = await refreshIdcTokens(await ssoOidcClient(), record.client, record.idc);
            emitTo(onEvent, { type: 'refresh.succeeded', profile: profile.name, via: 'idc-refresh-token' });
            return { ...record, idc };
          } catch (error) {
            if (!(call.interactive && error instanceof TipError && error.code === 'ERR_SIGN_IN_REQUIRED'))
              throw error;
          }
        } else if (!call.interactive) {
          throw signInRequired(profile.name, record === undefined ? 'no_cache' : 'no_refresh_token');
        }
        return browserSignIn(record, call.signal);
      },
    );
  }

  async function redshiftToken(
    target: ConnectorRedshiftTarget,
    call: ConnectorCallOptions = {},
  ): Promise<ConnectorToken> {
    const key = redshiftTargetKey(target);
    const pick = (record: CacheRecord | undefined): ConnectorToken | undefined => {
      const entry = cachedRedshiftToken(record, key, REDSHIFT_TOKEN_MARGIN_MS);
      return entry === undefined ? undefined : { token: entry.token, expiresAt: entry.expiresAt };
    };
    const first = pick(await readRecord());
    if (first !== undefined) return first;
    // Renewed under the lock when due; the token is then asked for under the lock too (once per target).
    const role = await credentials(call);
    return cache.withLock(profile.name, async () => {
      const record = await readRecord();
      const again = pick(record);
      if (again !== undefined) return again;
      const { fetchRedshiftToken } = await redshiftTokenFetch();
      const entry = await fetchRedshiftToken(profile, options.clientConfig, role, key, call.signal);
      emitTo(onEvent, { type: 'refresh.succeeded', profile: profile.name, via: 'role-credentials' });
      // Kept only beside the credentials it was issued with (another process may have renewed them).
      if (record !== undefined && record.role?.accessKeyId === role.accessKeyId) {
        await cache.write(profile.name, withRedshiftToken(record, entry));
      }
      return { token: entry.token, expiresAt: entry.expiresAt };
    });
  }

  async function status(): Promise<ConnectorStatus> {
    const { record, problem } = await cache.read(profile.name);
    const usable = record?.settings === settings ? record : undefined;
    return {
      profile: profile.name,
      signedIn: usable !== undefined && (usable.idp !== undefined || usable.idc !== undefined),
      cacheProblem: problem?.message,
      user: usable?.user,
      credentialsExpireAt: usable?.role?.expiration,
      canRefresh: usable?.idp?.refreshToken !== undefined || usable?.idc?.refreshToken !== undefined,
    };
  }

  return Object.freeze({
    profile,
    async login(call: { readonly signal?: AbortSignal } = {}) {
      const before = await readRecord();
      let record = await browserSignIn(before, call.signal);
      // Write the sign-in first: a failed exchange must not cost the user another browser round.
      await cache.withLock(profile.name, () => cache.write(profile.name, record));
      if (
        profile.signIn === 'oidc' &&
        profile.applicationArn !== undefined &&
        profile.accessRoleArn !== undefined
      ) {
        record = await cache.withLock(profile.name, async () => {
          const next = await withCredentials(record, call.signal);
          await cache.write(profile.name, next);
          return next;
        });
      }
      return status();
    },
    credentials,
    credentialProvider(): AwsCredentialIdentityProvider {
      return () => credentials();
    },
    idcAccessToken,
    redshiftToken,
    async idpToken() {
      const record = await readRecord();
      return record?.idp === undefined ? undefined : jwtOf(profile, record.idp);
    },
    status,
    async logout() {
      await cache.withLock(profile.name, () => cache.remove(profile.name));
    },
    close,
    [Symbol.asyncDispose]: close,
  });
}
