/**
 * `createTrustedIdentity()`: the façade that wires the layers. `forToken(jwt)` verifies the JWT locally,
 * then returns the user's identity-enhanced credentials from the per-user cache, exchanging with IAM
 * Identity Center and assuming the access role only when needed (single flight per user).
 *
 * @module
 */
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { AwsClientConfig } from './aws/clients.js';
import { TipError, closedError, optionError } from './errors.js';
import { createJwtVerifier, verifiedTokenSlots } from './jwt/verifier.js';
import type { JSONObject, JwtVerifier, VerifiedJwt } from './jwt/types.js';
import { validateOptions } from './session/config.js';
import type { TrustedIdentityOptions } from './session/config.js';
import { createEngineFromOptions } from './session/engine-from-options.js';
import { sessionExpiryCheck } from './session/session-expiry.js';
import type { RoleSession } from './session/codecs.js';
import type { RoleKey, SubjectToken } from './session/engine.js';
import { type SessionContext, UserSessionView } from './session/user-session.js';
import { registerWarmSession } from './session/warm-session.js';
import { createSessionServices } from './services/session-services.js';
import type { SessionAthena, SessionRedshift, SessionS3 } from './services/session-services.js';

/** Who a {@link UserSession} is for. Not secret. */
export interface UserIdentity {
  /** The verified JWT issuer. */
  readonly issuer: string;
  /** The verified JWT subject. */
  readonly subject: string;
  /** The IAM Identity Center user id the JWT resolved to. */
  readonly idcUserId: string;
  /** The identity store id. */
  readonly identityStoreId: string;
  /** The verified JWT's claims (frozen). */
  readonly claims: Readonly<JSONObject>;
  /** The JWT's expiry, epoch milliseconds (`undefined` when it has no `exp`). */
  readonly expiresAt: number | undefined;
}

/** Settings for any AWS SDK v3 client acting as the user. */
export interface UserClientConfig extends Omit<AwsClientConfig, 'credentials'> {
  /** The configured region. */
  readonly region: string;
  /** The user's identity-enhanced credentials, refreshed from the cache. */
  readonly credentials: AwsCredentialIdentityProvider;
}

/** One user's view: identity and identity-enhanced credentials. */
export interface UserSession {
  /** Who the session is for. */
  readonly identity: UserIdentity;
  /**
   * Identity-enhanced credentials for any SDK client; refreshed from the cache, with `expiration`. Stops
   * at the JWT's `exp` with `ERR_JWT_EXPIRED` unless `sessionExpiry` is `'refresh-token'`; a forced
   * refresh (`{ forceRefresh: true }`) uses the IdC refresh token and fails with `ERR_IDC_JWT_REQUIRED`
   * when that gives no identity context.
   */
  readonly credentials: AwsCredentialIdentityProvider;
  /** `{ region, credentials, ...clientConfig }` for `new AthenaClient(session.clientConfig())` and co. */
  clientConfig(): UserClientConfig;
  /** Athena queries as this user (`tip-sdk/athena`); loaded on first use. */
  readonly athena: SessionAthena;
  /** Redshift Data API statements and driver tokens as this user (`tip-sdk/redshift`); loaded on first use. */
  readonly redshift: SessionRedshift;
  /** S3 through S3 Access Grants as this user (`tip-sdk/s3`); grant cache kept per user across sessions. */
  readonly s3: SessionS3;
}

/** Options of {@link TrustedIdentity.forToken}. */
export interface ForTokenOptions {
  /** Abort signal; rejects with `ERR_ABORTED`. */
  readonly signal?: AbortSignal;
}

/**
 * The user {@link TrustedIdentity.forget} forgets: a session's `identity` will do, or the issuer and
 * subject of a user (from a revocation notice, say).
 */
export interface ForgetUser {
  /** The JWT issuer. */
  readonly issuer: string;
  /** The JWT subject. */
  readonly subject: string;
  /** The IAM Identity Center user id, when known (its S3 grants and driver tokens are kept under it). */
  readonly idcUserId?: string;
  /**
   * The audience(s) of the user's JWTs, part of every cache key: needed only for entries this process
   * never loaded (another replica's, in the shared store). Default: `claims.aud`, and the audiences this
   * process loaded the user with.
   */
  readonly audience?: string | readonly string[];
  /** The verified claims (`UserIdentity.claims`); their `aud` names the audience. */
  readonly claims?: Readonly<JSONObject>;
}

/** The object returned by {@link createTrustedIdentity}. */
export interface TrustedIdentity {
  /**
   * Verifies `jwt` and returns the user's session. Rejects with a `TipError` (`ERR_JWT_*`, `ERR_IDC_*`,
   * `ERR_STS_*`, `ERR_AWS_*`, `ERR_TIMEOUT`, `ERR_ABORTED`, and `ERR_CLOSED` after {@link close}).
   */
  forToken(jwt: string, options?: ForTokenOptions): Promise<UserSession>;
  /** Number of users with cached credentials in process. */
  readonly cachedUsers: number;
  /** Forgets every cached credential and token (in process). */
  clearCache(): void;
  /**
   * Forgets one user, as for a revocation: their role credentials, IAM Identity Center tokens (with the
   * refresh token and the exchange result kept for their JWTs), bootstrap credentials, S3 Access Grants
   * credentials and Redshift driver tokens — in process, and in `cache.store` when one is configured.
   * Other users keep theirs. The user's next `forToken` exchanges anew; a JWT they already presented is
   * not exchanged twice (IdC refuses a reused `jti`), so it is refused with `ERR_IDC_TOKEN_REUSED` and the
   * user needs a new token. Sessions already handed out resolve through the same caches, so they need new
   * AWS calls too. Other replicas' in-process caches keep their copies until these expire. Calls of the
   * user in flight are not stopped.
   *
   * @param user - A session's `identity`, or `{ issuer, subject }` (see {@link ForgetUser}).
   * @throws TypeError (`ERR_INVALID_OPTION`) without an issuer and subject.
   */
  forget(user: ForgetUser): Promise<void>;
  /**
   * Releases everything this object holds: aborts the loads in flight (background refreshes included),
   * forgets every cached value, and destroys the AWS SDK clients it created (SSO OIDC, STS, and the
   * users' Athena, Redshift and S3 clients) — not the clients you passed (`ssoOidcClient`, `stsClient`),
   * nor a `clientConfig.requestHandler` you passed, which stay yours to close. Afterwards every call
   * rejects with `ERR_CLOSED`, and nothing of tip-sdk keeps the process alive. The shared store is
   * yours too: it is not closed. Idempotent.
   */
  close(): Promise<void>;
  /** Same as {@link TrustedIdentity.close}, for `await using tip = createTrustedIdentity(…)`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** The audience lists `user` names: its `audience`, else its claims' `aud`. */
function audiencesOf(user: ForgetUser): string[][] {
  const lists: string[][] = [];
  for (const value of [user.audience, user.claims?.aud]) {
    if (typeof value === 'string') lists.push([value]);
    else if (Array.isArray(value)) lists.push(value.filter((v): v is string => typeof v === 'string'));
  }
  return lists;
}

/** Users cached in process when `cache.maxUsers` is not given. */
const DEFAULT_MAX_USERS = 100_000;

/**
 * Creates the trusted-identity façade. Options are validated now (`TypeError` naming the option) and
 * frozen; see {@link TrustedIdentityOptions}.
 *
 * @example
 * ```ts
 * const tip = createTrustedIdentity({ region: 'us-east-1', issuers: [...], applicationArn, accessRoleArn });
 * const user = await tip.forToken(bearerJwt);
 * const athena = new AthenaClient(user.clientConfig());
 * ```
 */
export function createTrustedIdentity(options: TrustedIdentityOptions): TrustedIdentity {
  const config = Object.freeze(validateOptions(options));
  const clock = config.clock ?? Date.now;
  const maxUsers = config.cache?.maxUsers ?? DEFAULT_MAX_USERS;
  const verifier: Pick<JwtVerifier, 'verify'> =
    config.verifier ??
    createJwtVerifier({
      now: clock,
      ...(config.logger === undefined ? {} : { logger: config.logger }),
      ...(config.verifierOptions ?? {}),
      issuers: config.issuers!,
    });
  const clientConfig: AwsClientConfig = Object.freeze({ ...(config.clientConfig ?? {}) });
  const { credentials: _ownCredentials, ...userClientSettings } = clientConfig;
  const services = createSessionServices({
    region: config.region,
    clientConfig: userClientSettings,
    accountId: /^arn:[^:]+:iam::(\d{12}):/.exec(config.accessRoleArn)?.[1],
    clock,
    maxUsers,
    ...(config.serviceEvents === undefined ? {} : { onEvent: config.serviceEvents }),
  });
  const engine = createEngineFromOptions(config, clientConfig, clock, DEFAULT_MAX_USERS);
  // JWT times are judged on the verifier's clock.
  const expiryCheck = sessionExpiryCheck(config.sessionExpiry, config.verifierOptions?.now ?? clock);

  try {
    config.logger?.debug(
      {
        region: config.region,
        applicationArn: config.applicationArn,
        accessRoleArn: config.accessRoleArn,
        signing:
          config.applicationRoleArn === undefined ? 'service credentials' : 'AssumeRoleWithWebIdentity',
        endpoint: typeof clientConfig.endpoint === 'string' ? clientConfig.endpoint : 'AWS regional endpoint',
        maxUsers,
      },
      'tip-sdk: trusted identity configured',
    );
  } catch {
    // A faulty logger must not break construction.
  }

  let closed: Promise<void> | undefined;
  /**
   * The verifier this identity made keeps each resent token's session on the token's cache entry, so a
   * warm call is one lookup; a verifier passed in options is asked through `verify` only.
   */
  const slots = config.verifier === undefined ? verifiedTokenSlots(verifier) : undefined;
  /** Per verified result, when it has no slot (the verifier returns the same object for a cached token). */
  const sessions = new WeakMap<VerifiedJwt, PerToken>();

  /** A resent token whose credentials are held and not due: its session, with no promise and no other lookup. */
  function warm(jwt: string): UserSession | undefined {
    if (slots === undefined || closed !== undefined) return undefined;
    const known = slots.hit(jwt)?.attached as PerToken | undefined;
    if (known?.session === undefined) return undefined;
    const held = engine.hot(known.roleKey);
    return held !== undefined && held === known.heldSession ? known.session : undefined;
  }

  async function forToken(jwt: string, opts?: ForTokenOptions): Promise<UserSession> {
    if (closed !== undefined) throw closedError('This trusted identity', 'createTrustedIdentity()');
    const signal = opts?.signal;
    if (typeof jwt === 'string' && signal?.aborted !== true) {
      const session = warm(jwt);
      if (session !== undefined) return session;
    }
    const verified = await verifier.verify(jwt, signal === undefined ? undefined : { signal });
    // The issuer is half of every cache key: a custom verifier that omits it would merge users of
    // different issuers who share a subject.
    if (typeof verified.issuer !== 'string' || verified.issuer.length === 0) {
      throw new TipError(
        'ERR_JWT_ISSUER',
        'The configured verifier returned no issuer: its verify() must resolve to a result with `issuer`.',
        { details: { claim: 'iss', reason: 'missing' } },
      );
    }
    if (typeof verified.subject !== 'string' || verified.subject.length === 0) {
      throw new TipError(
        'ERR_JWT_CLAIM',
        'The token has no `sub` claim: tip-sdk needs a subject to act as a user.',
        {
          details: { claim: 'sub', reason: 'missing', issuer: verified.issuer },
        },
      );
    }
    // A resent token verifies to the same (cached, frozen) result: its subject and session are reused, so a
    // warm call allocates no closures and recomputes no cache key.
    const slot = slots?.peek(jwt);
    const own = slot?.result === verified ? slot : undefined;
    let known = own === undefined ? sessions.get(verified) : (own.attached as PerToken | undefined);
    // A custom verifier may hand out one object for several tokens: the subject must carry this token.
    if (known === undefined || known.subject.token !== jwt) {
      known = perToken(verified, verified.subject, jwt);
      if (own === undefined) sessions.set(verified, known);
      else own.attached = known;
    }
    // A new token of a user whose credentials are held and not due: no promise chain either.
    const held =
      engine.hot(known.roleKey) ??
      (await engine.resolve(known.subject, signal === undefined ? undefined : { signal }));
    known.heldSession = held;
    if (known.held !== held.identity) {
      known.held = held.identity;
      known.session = sessionFor(verified, known.subject, known.credentials, held.identity);
    }
    return known.session!;
  }

  /** What a verified token's sessions share: its subject and credential provider. */
  function perToken(verified: VerifiedJwt, who: string, jwt: string): PerToken {
    const subject: SubjectToken = {
      issuer: verified.issuer,
      subject: who,
      token: jwt,
      jti: verified.claims.jti,
      expiresAt: verified.expiresAt,
      audience: Array.isArray(verified.audience) ? verified.audience : [],
    };
    const roleKey = engine.keyOf(subject);
    const credentials: AwsCredentialIdentityProvider = (properties?: Record<string, unknown>) => {
      const expired = expiryCheck(subject.expiresAt);
      if (expired !== undefined) return Promise.reject(expired);
      if (properties?.forceRefresh !== true) {
        const held = engine.hot(roleKey);
        if (held !== undefined) return Promise.resolve(pickCredentials(held));
      }
      return engine
        .resolve(subject, properties?.forceRefresh === true ? { forceRefresh: true } : undefined)
        .then(pickCredentials);
    };
    return { subject, roleKey, credentials, held: undefined, heldSession: undefined, session: undefined };
  }

  const sessionContext: SessionContext = {
    region: config.region,
    clientSettings: userClientSettings,
    services,
  };

  function sessionFor(
    verified: VerifiedJwt,
    subject: SubjectToken,
    credentials: AwsCredentialIdentityProvider,
    held: RoleSession['identity'],
  ): UserSession {
    const identity: UserIdentity = Object.freeze({
      issuer: subject.issuer,
      subject: subject.subject,
      idcUserId: held.idcUserId,
      identityStoreId: held.identityStoreId,
      claims: verified.claims,
      expiresAt: verified.expiresAt,
    });
    return new UserSessionView(identity, credentials, sessionContext);
  }

  const close = (): Promise<void> => {
    closed ??= (async () => {
      engine.close();
      await services.close();
    })();
    return closed;
  };

  const trustedIdentity: TrustedIdentity = Object.freeze({
    forToken,
    get cachedUsers() {
      return engine.size;
    },
    clearCache() {
      engine.clear();
      services.clear();
    },
    async forget(user: ForgetUser) {
      if (
        typeof user !== 'object' ||
        user === null ||
        typeof user.issuer !== 'string' ||
        typeof user.subject !== 'string'
      ) {
        throw optionError(
          'forget',
          'needs the `issuer` and `subject` of the user, e.g. a session’s `identity`',
        );
      }
      const { issuer, subject } = user;
      const found = await engine.forget({ issuer, subject, audiences: audiencesOf(user) });
      const idcUserIds = typeof user.idcUserId === 'string' ? [...found, user.idcUserId] : found;
      await services.forget({ issuer, subject, idcUserIds });
    },
    close,
    [Symbol.asyncDispose]: close,
  });
  registerWarmSession(trustedIdentity, warm);
  return trustedIdentity;
}

/** A verified token's subject and provider, and the session last built for the identity it resolved to. */
interface PerToken {
  readonly subject: SubjectToken;
  readonly roleKey: RoleKey;
  readonly credentials: AwsCredentialIdentityProvider;
  /** The identity `session` was built for. */
  held: RoleSession['identity'] | undefined;
  /** The role session last resolved: while the cache serves this very object, `session` is current. */
  heldSession: RoleSession | undefined;
  session: UserSession | undefined;
}

/** A copy per resolution: SDK clients annotate the object they get, and the cached one is frozen. */
function pickCredentials(session: { readonly credentials: AwsCredentialIdentity }): AwsCredentialIdentity {
  return { ...session.credentials };
}
