/**
 * Validates a `CreateTokenWithIAM` answer and turns it into an {@link IdcTokenSet}. The answer is treated
 * as untrusted input: anything missing, malformed, for another application or for another user is refused
 * with `ERR_IDC_RESPONSE_INVALID` — never guessed, never a wrong user's identity.
 *
 * @module
 */
import { TipError } from '../errors.js';
import { expiryFromExpiresIn } from './expires-in.js';
import { IdTokenShapeError, checkIdentityContext, parseIdcIdToken } from './id-token.js';
import type { IdcIdTokenClaims } from './id-token.js';
import type { IdcIdentity, IdcTokenSet } from './types.js';

/** Longest access or refresh token accepted, in characters. */
const MAX_TOKEN_LENGTH = 65_536;
/** Lifetime assumed when IdC states none at all, in milliseconds (conservative: 15 min). */
const DEFAULT_LIFETIME_MS = 900_000;

/** What the parser checks the answer against. */
export interface ParseExpectations {
  /** The application the exchange was for; the ID token's `aud` must contain it. */
  readonly applicationArn: string;
  /** Epoch milliseconds now. */
  readonly now: number;
  /**
   * The identity held before (refresh-token grant): an answer without an ID token keeps it; an answer with
   * one must name the same IdC user.
   */
  readonly previous?: IdcIdentity;
  /** AWS request id, for errors. */
  readonly requestId?: string;
}

function invalid(reason: string, requestId: string | undefined, cause?: unknown): TipError {
  return new TipError(
    'ERR_IDC_RESPONSE_INVALID',
    `IAM Identity Center answered CreateTokenWithIAM with a response tip-sdk cannot use (${reason}); check the endpoint and request the \`openid\` and \`sts:identity_context\` scopes.`,
    {
      cause,
      details: { service: 'sso-oidc', operation: 'CreateTokenWithIAM', reason },
      ...(requestId === undefined ? {} : { requestId }),
    },
  );
}

function optionalToken(value: unknown, name: string, requestId: string | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_TOKEN_LENGTH) {
    throw invalid(`${name} is malformed`, requestId);
  }
  return value;
}

/**
 * Parses a `CreateTokenWithIAM` answer.
 *
 * @param response - The SDK output (untrusted shape).
 * @param expect - What the answer must agree with.
 * @throws TipError `ERR_IDC_RESPONSE_INVALID`.
 */
export function parseTokenResponse(response: unknown, expect: ParseExpectations): IdcTokenSet {
  const { requestId, now, applicationArn, previous } = expect;
  if (typeof response !== 'object' || response === null) throw invalid('no body', requestId);
  const r = response as Record<string, unknown>;

  const accessToken = optionalToken(r.accessToken, 'accessToken', requestId);
  if (accessToken === undefined) throw invalid('accessToken is missing', requestId);
  const refreshToken = optionalToken(r.refreshToken, 'refreshToken', requestId);
  if (
    r.tokenType !== undefined &&
    (typeof r.tokenType !== 'string' || r.tokenType.toLowerCase() !== 'bearer')
  ) {
    throw invalid('tokenType is not Bearer', requestId);
  }

  let idToken: IdcIdTokenClaims | undefined;
  if (r.idToken !== undefined && r.idToken !== null) {
    try {
      idToken = parseIdcIdToken(r.idToken);
    } catch (error) {
      throw invalid(error instanceof IdTokenShapeError ? error.reason : 'idToken is malformed', requestId);
    }
    if (!idToken.audience.includes(applicationArn))
      throw invalid('idToken is for another application', requestId);
    if (previous !== undefined && idToken.sub !== previous.idcUserId) {
      throw invalid('refresh answered for another user', requestId);
    }
    if (previous !== undefined && idToken.identityStoreId !== previous.identityStoreId) {
      throw invalid('refresh answered for another identity store', requestId);
    }
  } else if (previous === undefined) {
    throw invalid('idToken is missing', requestId);
  }

  let identityContext: string | undefined;
  const details = r.awsAdditionalDetails;
  if (details !== undefined && details !== null) {
    if (typeof details !== 'object' || Array.isArray(details))
      throw invalid('awsAdditionalDetails is malformed', requestId);
    const raw = (details as Record<string, unknown>).identityContext;
    if (raw !== undefined && raw !== null) {
      try {
        identityContext = checkIdentityContext(raw, 'identityContext');
      } catch {
        throw invalid('identityContext is malformed', requestId);
      }
    }
  }
  if (idToken?.identityContext !== undefined) {
    if (identityContext !== undefined && identityContext !== idToken.identityContext) {
      throw invalid('identityContext disagrees with the idToken', requestId);
    }
    identityContext = idToken.identityContext;
  }

  const candidates = [expiryFromExpiresIn(r.expiresIn, now), idToken?.expiresAt].filter(
    (t): t is number => t !== undefined,
  );
  const expiresAt = candidates.length > 0 ? Math.min(...candidates) : now + DEFAULT_LIFETIME_MS;
  if (!(expiresAt > now)) throw invalid('the tokens are already expired', requestId);

  const scopes =
    Array.isArray(r.scope) && r.scope.every((s) => typeof s === 'string')
      ? Object.freeze([...(r.scope as string[])])
      : [];
  const issuedTokenType = typeof r.issuedTokenType === 'string' ? r.issuedTokenType : undefined;

  const identity: IdcIdentity = Object.freeze(
    idToken !== undefined
      ? {
          idcUserId: idToken.sub,
          identityStoreId: idToken.identityStoreId,
          identityStoreArn: idToken.identityStoreArn,
          instanceArn: idToken.instanceArn,
          applicationArn,
          expiresAt,
        }
      : { ...previous!, expiresAt },
  );
  return Object.freeze({
    accessToken,
    refreshToken,
    identityContext,
    identity,
    expiresAt,
    scopes,
    issuedTokenType,
  });
}
