/**
 * Gets IdC tokens with an identity context for one user: the refresh-token grant when a refresh token is
 * held, falling back to the JWT-bearer grant (on `ExpiredTokenException`, a refused refresh token, or an
 * answer without an identity context) — but never with a JWT that was already exchanged.
 *
 * @module
 */
import { TipError, isTipError } from '../errors.js';
import { createTokenWithIam } from './exchange.js';
import type { IdcExchangeContext } from './exchange.js';
import type { ExchangeLedger } from './exchange-ledger.js';
import type { IdcGrant, IdcTokenSet } from './types.js';

/** The JWT at hand for a JWT-bearer exchange. */
export interface BearerJwt {
  /** The compact JWT. Secret. */
  readonly token: string;
  /** Its ledger id, see `jwtLedgerId`. */
  readonly ledgerId: string;
  /** Its `exp` in epoch milliseconds, if any. */
  readonly expiresAt: number | undefined;
}

/** Reports about each exchange attempt; never receives a token. */
export interface ExchangeObserver {
  started(grant: IdcGrant['type']): void;
  succeeded(grant: IdcGrant['type'], result: IdcTokenSet, durationMs: number, attempts: number): void;
  failed(grant: IdcGrant['type'], error: TipError, durationMs: number): void;
}

/** Inputs of {@link obtainIdcToken}. */
export interface ObtainTokenInput {
  readonly context: IdcExchangeContext;
  readonly ledger: ExchangeLedger;
  /** The JWT of the request that needs the tokens. */
  readonly jwt: BearerJwt;
  /** The tokens held before, if any (their refresh token is tried first). */
  readonly previous: IdcTokenSet | undefined;
  /** Whether to use refresh tokens at all. */
  readonly useRefreshToken: boolean;
  readonly signal?: AbortSignal;
  readonly observer?: ExchangeObserver;
}

function reusedError(): TipError {
  return new TipError(
    'ERR_IDC_TOKEN_REUSED',
    'This JWT was already exchanged with IAM Identity Center and a JWT can be exchanged only once (its `jti` is single-use): sign the user in again or send a freshly issued token.',
    { details: { service: 'sso-oidc', operation: 'CreateTokenWithIAM', reason: 'jti_reused' } },
  );
}

function noContextError(): TipError {
  return new TipError(
    'ERR_IDC_RESPONSE_INVALID',
    'IAM Identity Center issued tokens without an identity context: request the `sts:identity_context` scope (or omit `scopes`).',
    { details: { service: 'sso-oidc', operation: 'CreateTokenWithIAM', reason: 'no_identity_context' } },
  );
}

async function run(input: ObtainTokenInput, grant: IdcGrant): Promise<IdcTokenSet> {
  const { context, observer } = input;
  const startedAt = context.clock();
  let attempts = 0;
  observer?.started(grant.type);
  try {
    const result = await createTokenWithIam(context, grant, {
      ...(input.signal === undefined ? {} : { signal: input.signal }),
      ...(grant.type === 'refresh-token' && input.previous !== undefined
        ? { previous: input.previous.identity }
        : {}),
      onAttempts: (n) => {
        attempts = n;
      },
    });
    observer?.succeeded(grant.type, result, context.clock() - startedAt, attempts);
    return result;
  } catch (error) {
    if (isTipError(error)) observer?.failed(grant.type, error, context.clock() - startedAt);
    throw error;
  }
}

/** Errors of a refresh that mean "the refresh token is no good; redo the JWT-bearer grant". */
const REFRESH_FALLBACK = new Set([
  'ERR_IDC_EXPIRED_TOKEN',
  'ERR_IDC_INVALID_GRANT',
  'ERR_IDC_UNSUPPORTED_GRANT_TYPE',
  'ERR_IDC_UNAUTHORIZED_CLIENT',
]);

/**
 * IdC tokens with an identity context for the user of `input.jwt`.
 *
 * @throws TipError `ERR_IDC_TOKEN_REUSED` when only an already-exchanged JWT is at hand, or any error of
 *   the exchange.
 */
export async function obtainIdcToken(input: ObtainTokenInput): Promise<IdcTokenSet> {
  const { previous, ledger, jwt } = input;
  if (input.useRefreshToken && previous?.refreshToken !== undefined) {
    try {
      const refreshed = await run(input, { type: 'refresh-token', refreshToken: previous.refreshToken });
      if (refreshed.identityContext !== undefined) {
        // Keep the refresh token when the answer did not rotate it.
        return refreshed.refreshToken === undefined
          ? Object.freeze({ ...refreshed, refreshToken: previous.refreshToken })
          : refreshed;
      }
    } catch (error) {
      if (!isTipError(error) || !REFRESH_FALLBACK.has(error.code)) throw error;
    }
  }
  if (!ledger.claim(jwt.ledgerId, jwt.expiresAt)) throw reusedError();
  let result: IdcTokenSet;
  try {
    result = await run(input, { type: 'jwt-bearer', assertion: jwt.token });
  } catch (error) {
    ledger.release(jwt.ledgerId);
    throw error;
  }
  if (result.identityContext === undefined) throw noContextError();
  return result;
}
