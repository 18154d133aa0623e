/**
 * `fromTrustedIdentity()`: an `AwsCredentialIdentityProvider` for one user's JWT, usable by any AWS SDK v3
 * client — the drop-in counterpart of AWS's plugin, with caching, single flight, refresh tokens and typed
 * errors. The JWT is not verified locally here (IAM Identity Center verifies it); use
 * `createTrustedIdentity` for services that accept tokens from many users.
 *
 * @module
 */
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { TipError, optionError } from '../errors.js';
import { decodeJws } from '../jwt/decode.js';
import { optionKeys, rejectUnknownOptions } from '../option-keys.js';
import { TRUSTED_IDENTITY_KEYS, trustedIdentityShape, validateOptions } from '../session/config.js';
import type { TrustedIdentityOptions } from '../session/config.js';
import { createEngineFromOptions } from '../session/engine-from-options.js';
import { sessionExpiryCheck } from '../session/session-expiry.js';

/** Options of {@link fromTrustedIdentity}: those of `createTrustedIdentity` minus inbound verification. */
export interface FromTrustedIdentityInit
  extends Omit<TrustedIdentityOptions, 'issuers' | 'verifier' | 'verifierOptions'> {
  /**
   * The user's JWT, or a function returning the current one. The function is called on every resolution
   * (its `iss`/`sub` name the cache entry); the JWT is exchanged only when credentials are missing or due.
   */
  readonly token: string | (() => string | Promise<string>);
}

/** The keys of {@link FromTrustedIdentityInit}: those of `createTrustedIdentity` without inbound verification. */
const INIT_SHAPE = trustedIdentityShape(
  'fromTrustedIdentity',
  new Set([
    ...optionKeys<Pick<FromTrustedIdentityInit, 'token'>>({ token: true }),
    ...[...TRUSTED_IDENTITY_KEYS].filter((k) => !['issuers', 'verifier', 'verifierOptions'].includes(k)),
  ]),
);

/**
 * Creates a credential provider for one user's JWT. Each resolution returns cached credentials (with
 * `expiration`) and exchanges only when they are missing, expiring or `forceRefresh` is asked. The provider
 * serves the user of its first successful resolution; a later token naming another `iss`/`sub` is refused
 * with `ERR_JWT_CLAIM` (reason `another_user`), since tokens are not verified locally here. A token past
 * its `exp` is refused with `ERR_JWT_EXPIRED` unless `sessionExpiry` is `'refresh-token'`.
 *
 * @example
 * ```ts
 * const athena = new AthenaClient({ region, credentials: fromTrustedIdentity({ region, token, applicationArn, accessRoleArn }) });
 * ```
 */
export function fromTrustedIdentity(init: FromTrustedIdentityInit): AwsCredentialIdentityProvider {
  if (typeof init !== 'object' || init === null) throw optionError('(init)', 'must be an object');
  // Unknown keys first, against this function's own keys (no `issuers`/`verifier` here).
  rejectUnknownOptions(init, INIT_SHAPE);
  const { token: _token, ...rest } = init;
  if (typeof init.token !== 'string' && typeof init.token !== 'function') {
    throw optionError('token', 'must be a JWT string or a function returning one');
  }
  // Validation shared with createTrustedIdentity; a placeholder verifier satisfies the inbound rule.
  const options = validateOptions(
    { ...rest, verifier: { verify: () => Promise.reject(new Error('unused')) } },
    { ...INIT_SHAPE, keys: TRUSTED_IDENTITY_KEYS },
  );
  const clock = init.clock ?? Date.now;
  const clientConfig = Object.freeze({ ...(init.clientConfig ?? {}) });
  const engine = createEngineFromOptions(options, clientConfig, clock, 16);
  const expiryCheck = sessionExpiryCheck(init.sessionExpiry, clock);
  const source = init.token;
  // The user this provider serves: set by the first resolution IAM Identity Center accepted. Tokens are
  // not verified locally here, so a token naming anyone else must not reach that user's cached
  // credentials (or another user's): one provider, one user.
  let boundUser: string | undefined;

  return async (properties?: Record<string, unknown>) => {
    const token = typeof source === 'string' ? source : await source();
    // Unverified decoding only names the cache entry; IdC verifies the token on every exchange.
    const { payload } = decodeJws(token, 16_384);
    const { iss, sub } = payload;
    if (typeof iss !== 'string' || typeof sub !== 'string' || iss.length === 0 || sub.length === 0) {
      throw new TipError('ERR_JWT_CLAIM', 'The token needs `iss` and `sub` claims to be exchanged.', {
        details: { claim: typeof iss !== 'string' ? 'iss' : 'sub', reason: 'missing' },
      });
    }
    const user = `${iss}\n${sub}`;
    if (boundUser !== undefined && boundUser !== user) {
      throw new TipError(
        'ERR_JWT_CLAIM',
        'fromTrustedIdentity() serves one user, and this token names another (its iss/sub differ from the ' +
          "first token's). Create one provider per user, or use createTrustedIdentity(), which verifies " +
          'every token locally, to serve many users.',
        { details: { claim: 'sub', reason: 'another_user' } },
      );
    }
    const expiresAt = typeof payload.exp === 'number' ? payload.exp * 1000 : undefined;
    const expired = expiryCheck(expiresAt);
    if (expired !== undefined) throw expired;
    const { aud } = payload;
    const session = await engine.resolve(
      {
        issuer: iss,
        subject: sub,
        token,
        jti: payload.jti,
        expiresAt,
        audience: typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.map(String) : [],
      },
      properties?.forceRefresh === true ? { forceRefresh: true } : undefined,
    );
    boundUser ??= user;
    // A copy: SDK clients annotate the object they get, and the cached one is frozen.
    return { ...session.credentials };
  };
}
