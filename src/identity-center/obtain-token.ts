/**
 * Gets IdC tokens with an identity context for one user: the refresh-token grant when a refresh token is
 * held, falling back to the JWT-bearer grant (on `ExpiredTokenException`, a refused refresh token, or an
 * answer without an identity context) — but never with a JWT that was already exchanged: such a JWT is
 * served from the result its exchange gave, or refused.
 *
 * Once a `CreateTokenWithIAM` call is about to be sent, the load is detached from its callers: IdC may
 * consume the JWT (or rotate the refresh token) as soon as it receives the call, so the call finishes —
 * bounded by its deadline — and its result is kept even if every caller left.
 *
 * @module
 */
import { abortedError, sleep } from '../aws/abort.js';
import { TipError, isTipError } from '../errors.js';
import { createTokenWithIam } from './exchange.js';
import type { IdcExchangeContext } from './exchange.js';
import type { ExchangeLedger } from './exchange-ledger.js';
import type { RefusalCache } from './refusals.js';
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
  /** Where the user's tokens are kept (their IdC token cache key); the ledger maps JWTs to it. */
  readonly resultKey: string;
  /** The JWT of the request that needs the tokens. */
  readonly jwt: BearerJwt;
  /** The tokens held before, if any (their refresh token is tried first). */
  readonly previous: IdcTokenSet | undefined;
  /** Whether to use refresh tokens at all. */
  readonly useRefreshToken: boolean;
  /**
   * A forced refresh: new tokens are required, so the result an earlier exchange of the JWT gave does not
   * do; without a refresh answer carrying an identity context, the caller must present a new JWT.
   */
  readonly forced?: boolean;
  /** Honoured until a call is sent; after that the call finishes (see the module notes). */
  readonly signal?: AbortSignal;
  /** Called just before a `CreateTokenWithIAM` call is sent (the memo's `detach`). */
  readonly detach?: () => void;
  /** Where lasting IdC refusals of the JWT-bearer grant are remembered. */
  readonly refusals?: RefusalCache;
  /**
   * With a ledger shared by replicas: how long to wait, in milliseconds, for the result of an exchange of
   * this JWT that another replica claimed and is still running. Default `0`.
   */
  readonly resultWaitMs?: number;
  /**
   * Whether this call holds, now, the shared store's lock of `resultKey` (the user's IdC tokens): a claim
   * made under that lock by another replica whose result is unusable is then not waited for — its holder's
   * lease ran out, so its exchange ended without settling (the replica died) or stalled past the lease.
   */
  readonly holdsLock?: () => boolean;
  readonly observer?: ExchangeObserver;
}

/**
 * `ERR_IDC_TOKEN_REUSED`: found by the ledger (`cause` undefined), or IdC's own refusal of a reused JWT
 * (`cause` the refusal).
 */
function reusedError(cause?: TipError): TipError {
  return new TipError(
    'ERR_IDC_TOKEN_REUSED',
    'This JWT was already exchanged with IAM Identity Center (a JWT can be exchanged only once) and what that exchange gave cannot serve here: send a freshly issued token (sign the user in again). When several replicas serve the same users, give them all one shared cache store (`cache.store`, e.g. `redisCacheStore()` from tip-sdk/redis), so that a replica reads the result of another replica’s exchange instead of sending the JWT again.',
    {
      details: {
        service: 'sso-oidc',
        operation: 'CreateTokenWithIAM',
        reason: 'jti_reused',
        ...(cause === undefined ? {} : { awsErrorCode: cause.details.awsErrorCode }),
      },
      ...(cause === undefined
        ? {}
        : { cause, ...(cause.requestId === undefined ? {} : { requestId: cause.requestId }) }),
    },
  );
}

/** IdC's words for a JWT it saw before (the mapped error's message carries the AWS message). */
const REUSED = /already (been )?(exchanged|used|redeemed|consumed)|\breus(ed|e)\b|\breplay/i;

/** True when IdC refused a JWT-bearer exchange because the JWT was exchanged before (by anyone). */
function isReusedRefusal(error: unknown): error is TipError {
  return isTipError(error, 'ERR_IDC_INVALID_GRANT') && REUSED.test(error.message);
}

function jwtRequiredError(reason: string): TipError {
  return new TipError(
    'ERR_IDC_JWT_REQUIRED',
    'New IAM Identity Center tokens were required, the refresh token gave no identity context, and this JWT was already exchanged (it can be exchanged only once): present a newly issued JWT (forToken) to get new credentials.',
    { details: { service: 'sso-oidc', operation: 'CreateTokenWithIAM', reason } },
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
  // Past this point the call is not abandoned: IdC may act on it as soon as it arrives.
  if (input.signal?.aborted) throw abortedError(input.signal.reason);
  input.detach?.();
  observer?.started(grant.type);
  try {
    const result = await createTokenWithIam(context, grant, {
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

/**
 * Settles the claim of JWT `id` when the ledger can (see `ExchangeLedger.settle`); never rejects: a claim
 * left unsettled only makes another replica wait for it, as with a ledger that cannot settle.
 */
async function settle(ledger: ExchangeLedger, id: string, resultKey: string): Promise<void> {
  try {
    await ledger.settle?.(id, resultKey);
  } catch {
    // See above.
  }
}

/** First and longest pause between two looks at another replica's exchange result, milliseconds. */
const RESULT_POLL_FIRST_MS = 20;
const RESULT_POLL_MAX_MS = 250;

/** Errors of a refresh that mean "the refresh token is no good; redo the JWT-bearer grant". */
const REFRESH_FALLBACK = new Set([
  'ERR_IDC_EXPIRED_TOKEN',
  'ERR_IDC_INVALID_GRANT',
  'ERR_IDC_UNSUPPORTED_GRANT_TYPE',
  'ERR_IDC_UNAUTHORIZED_CLIENT',
]);

/** True when `tokens` can assume the role now. */
function usable(tokens: IdcTokenSet | undefined, now: number): tokens is IdcTokenSet {
  return tokens !== undefined && tokens.identityContext !== undefined && tokens.expiresAt > now;
}

/**
 * IdC tokens with an identity context for the user of `input.jwt`.
 *
 * @throws TipError `ERR_IDC_TOKEN_REUSED` when only an already-exchanged JWT is at hand and what its
 *   exchange gave cannot serve; `ERR_IDC_JWT_REQUIRED` for a forced refresh that needs a new JWT; or any
 *   error of the exchange.
 */
export async function obtainIdcToken(input: ObtainTokenInput): Promise<IdcTokenSet> {
  const { previous, ledger, jwt, resultKey } = input;
  let why = 'no_refresh_token';
  if (input.useRefreshToken && previous?.refreshToken !== undefined) {
    try {
      const refreshed = await run(input, { type: 'refresh-token', refreshToken: previous.refreshToken });
      if (refreshed.identityContext !== undefined) {
        // Keep the refresh token when the answer did not rotate it.
        const tokens =
          refreshed.refreshToken === undefined
            ? Object.freeze({ ...refreshed, refreshToken: previous.refreshToken })
            : refreshed;
        await ledger.keep(resultKey, tokens, jwt.expiresAt);
        return tokens;
      }
      why = 'no_identity_context';
    } catch (error) {
      if (!isTipError(error) || !REFRESH_FALLBACK.has(error.code)) throw error;
      why = 'refresh_refused';
    }
  }
  const { clock } = input.context;
  const waitMs = input.resultWaitMs ?? 0;
  const until = performance.now() + waitMs;
  const claimOptions = { locked: input.holdsLock?.() === true };
  let claim = await ledger.claim(jwt.ledgerId, resultKey, jwt.expiresAt, claimOptions);
  for (let delay = RESULT_POLL_FIRST_MS; !claim.claimed; delay = Math.min(delay * 2, RESULT_POLL_MAX_MS)) {
    if (input.forced === true) throw jwtRequiredError(why);
    // The JWT was exchanged before (here or, with a shared ledger, by another replica): its result serves.
    const theirs = claim.resultKey === resultKey ? await ledger.result(resultKey) : undefined;
    if (usable(theirs, clock())) return theirs;
    // Another replica may still be exchanging it (a claim younger than one exchange deadline, its result
    // not kept yet): wait for it; if its exchange fails, its claim is released and this one takes it.
    const running =
      claim.since !== undefined &&
      clock() - claim.since < waitMs &&
      // Its claimant held this user's lock while exchanging, and this call holds it now: not running.
      !(claim.locked === true && input.holdsLock?.() === true);
    if (claim.resultKey !== resultKey || !running || performance.now() >= until) throw reusedError();
    await sleep(delay, input.signal);
    claim = await ledger.claim(jwt.ledgerId, resultKey, jwt.expiresAt, claimOptions);
  }
  let result: IdcTokenSet;
  try {
    result = await run(input, { type: 'jwt-bearer', assertion: jwt.token });
  } catch (error) {
    // A JWT IdC saw before (another replica exchanged it while the shared ledger was out of reach, or no
    // ledger is shared) stays claimed: sending it again would be refused again.
    if (isReusedRefusal(error)) {
      await settle(ledger, jwt.ledgerId, resultKey);
      throw reusedError(error);
    }
    await ledger.release(jwt.ledgerId);
    if (isTipError(error)) input.refusals?.record(resultKey, jwt.ledgerId, error);
    throw error;
  }
  // The JWT is spent either way; a caller finding its claim now waits for nothing (the result is kept
  // before the claim is settled, so a settled claim with no result means there is none to wait for).
  if (result.identityContext === undefined) {
    await settle(ledger, jwt.ledgerId, resultKey);
    throw noContextError();
  }
  await ledger.keep(resultKey, result, jwt.expiresAt);
  // Not waited for: the caller has its result, and a settle that fails or never arrives only makes another
  // replica wait for the claim as before (a shared store's round trip stays off the miss path).
  void settle(ledger, jwt.ledgerId, resultKey);
  return result;
}
