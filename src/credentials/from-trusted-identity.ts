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
import { validateOptions } from '../session/config.js';
import type { TrustedIdentityOptions } from '../session/config.js';
import { createEngineFromOptions } from '../session/engine-from-options.js';

/** Options of {@link fromTrustedIdentity}: those of `createTrustedIdentity` minus inbound verification. */
export interface FromTrustedIdentityInit
  extends Omit<TrustedIdentityOptions, 'issuers' | 'verifier' | 'verifierOptions'> {
  /**
   * The user's JWT, or a function returning the current one. The function is called on every resolution
   * (its `iss`/`sub` name the cache entry); the JWT is exchanged only when credentials are missing or due.
   */
  readonly token: string | (() => string | Promise<string>);
}

/**
 * Creates a credential provider for one user's JWT. Each resolution returns cached credentials (with
 * `expiration`) and exchanges only when they are missing, expiring or `forceRefresh` is asked.
 *
 * @example
 * ```ts
 * const athena = new AthenaClient({ region, credentials: fromTrustedIdentity({ region, token, applicationArn, accessRoleArn }) });
 * ```
 */
export function fromTrustedIdentity(init: FromTrustedIdentityInit): AwsCredentialIdentityProvider {
  if (typeof init !== 'object' || init === null) throw optionError('(init)', 'must be an object');
  if (typeof init.token !== 'string' && typeof init.token !== 'function') {
    throw optionError('token', 'must be a JWT string or a function returning one');
  }
  // Validation shared with createTrustedIdentity; a placeholder verifier satisfies the inbound rule.
  validateOptions({ ...init, verifier: { verify: () => Promise.reject(new Error('unused')) } });
  const clock = init.clock ?? Date.now;
  const clientConfig = Object.freeze({ ...(init.clientConfig ?? {}) });
  const engine = createEngineFromOptions(init, clientConfig, clock, 16);
  const source = init.token;

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
    const session = await engine.resolve(
      {
        issuer: iss,
        subject: sub,
        token,
        jti: payload.jti,
        expiresAt: typeof payload.exp === 'number' ? payload.exp * 1000 : undefined,
      },
      properties?.forceRefresh === true ? { forceRefresh: true } : undefined,
    );
    // A copy: SDK clients annotate the object they get, and the cached one is frozen.
    return { ...session.credentials };
  };
}
