/**
 * The framework-neutral core of the Express and Fastify adapters: validates the options once, reads the
 * bearer token, calls `forToken` with an abort signal, and turns every outcome into either a session or an
 * HTTP error answer. Observers see status, code and who (issuer, IdC user id) — never the token.
 *
 * @module
 */
import { optionError } from '../errors.js';
import type { TipLogger } from '../session/events.js';
import { warmSessionOf } from '../session/warm-session.js';
import type { TrustedIdentity, UserSession } from '../tip.js';
import { type BearerRequest, extractBearer, extractBearerToLookUp } from './bearer.js';
import { type CrossSiteOptions, createCrossSiteCheck } from './cross-site.js';
import {
  type ErrorResponseSettings,
  type HttpErrorResponse,
  crossSiteResponse,
  errorResponse,
  isQuotable,
  malformedRequestResponse,
  missingTokenResponse,
} from './error-response.js';

/** What an HTTP observer learns about one authentication. Holds no token. */
export interface HttpAuthRecord {
  /** `authenticated`, `anonymous` (optional mode, no token), `rejected` (an error answer) or `aborted`. */
  readonly outcome: 'authenticated' | 'anonymous' | 'rejected' | 'aborted';
  /** The HTTP status answered or, for `authenticated`/`anonymous`, 200 (the route decides the rest). */
  readonly status: number;
  /** The error code, for `rejected` and `aborted`. */
  readonly code?: string;
  /** Where the token came from. */
  readonly source?: 'header' | 'cookie';
  /** The verified issuer, for `authenticated`. */
  readonly issuer?: string;
  /** The IdC user id, for `authenticated`. */
  readonly idcUserId?: string;
  /** Milliseconds spent in authentication. */
  readonly durationMs: number;
}

/** Options shared by the Express and Fastify adapters. */
export interface TipHttpOptions {
  /** The `realm` of `WWW-Authenticate` challenges (printable ASCII, no `"` or `\`). Default `'tip-sdk'`. */
  readonly realm?: string;
  /** Also accept the token from this cookie (the header wins when both are present). Default: none. */
  readonly cookieName?: string;
  /**
   * Cookie mode only: a request whose token came from the cookie, with an unsafe method (not GET, HEAD or
   * OPTIONS), is refused with 403 `ERR_CROSS_SITE_REQUEST` when `Sec-Fetch-Site` says another site sent it
   * (or, without fetch metadata, when `Origin` names another host than `Host`). `false` turns the check off;
   * `{ trustedOrigins }` lists other origins allowed to. Default `{}` (on, no trusted origins).
   */
  readonly csrf?: false | CrossSiteOptions;
  /**
   * Let requests without any token through with no session (`req.tip` unset / `request.tip` null). A
   * token that is present but bad is still refused. Default `false`.
   */
  readonly optional?: boolean;
  /** `Retry-After` of 503 answers, in seconds (0–3600). Default `1`. */
  readonly retryAfterSeconds?: number;
  /** Logs each refusal at `debug` (4xx) or `warn` (5xx) with status and code only. Default silent. */
  readonly logger?: TipLogger;
  /** Called once per request with the outcome (metrics, audit). A throwing observer is ignored. */
  readonly observe?: (record: HttpAuthRecord) => void;
}

/** The result of {@link Authenticator.authenticate}. */
export type AuthOutcome =
  | { readonly kind: 'session'; readonly session: UserSession }
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'refused'; readonly response: HttpErrorResponse; readonly error?: unknown };

/** Authenticates requests for one adapter instance. */
export interface Authenticator {
  authenticate(request: BearerRequest, signal: AbortSignal): Promise<AuthOutcome>;
  /**
   * The session of a request whose token the trusted identity answers from memory (a resent token, its
   * credentials held and not due), reported to the observer as {@link authenticate} would; otherwise
   * `undefined`, and the adapter calls {@link authenticate}. Never waits.
   */
  authenticateNow(request: BearerRequest): AuthOutcome | undefined;
  readonly settings: ErrorResponseSettings;
}

/** Validates `options` (a `TypeError` naming the option) and builds the authenticator. */
export function createAuthenticator(
  tip: Pick<TrustedIdentity, 'forToken'>,
  options: TipHttpOptions = {},
): Authenticator {
  if (typeof tip?.forToken !== 'function') throw optionError('tip', 'must come from createTrustedIdentity()');
  const realm = options.realm ?? 'tip-sdk';
  if (typeof realm !== 'string' || realm.length === 0 || !isQuotable(realm)) {
    throw optionError('realm', 'must be non-empty printable ASCII without `"` or `\\`');
  }
  const cookieName = options.cookieName;
  if (
    cookieName !== undefined &&
    (typeof cookieName !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(cookieName))
  ) {
    throw optionError('cookieName', 'must be a cookie name (an RFC 6265 token)');
  }
  const retryAfterSeconds = options.retryAfterSeconds ?? 1;
  if (!Number.isInteger(retryAfterSeconds) || retryAfterSeconds < 0 || retryAfterSeconds > 3600) {
    throw optionError('retryAfterSeconds', 'must be an integer from 0 to 3600');
  }
  if (options.optional !== undefined && typeof options.optional !== 'boolean') {
    throw optionError('optional', 'must be a boolean');
  }
  if (options.observe !== undefined && typeof options.observe !== 'function') {
    throw optionError('observe', 'must be a function');
  }
  // Validated even without a cookie; applied only to tokens that came from the cookie.
  const crossSite = createCrossSiteCheck(options.csrf);
  const settings: ErrorResponseSettings = Object.freeze({ realm, retryAfterSeconds });
  const { logger, observe } = options;

  // Without an observer nobody reads the record: the success path then builds none and reads no clock.
  const now = observe === undefined ? () => 0 : () => performance.now();

  function report(record: HttpAuthRecord): void {
    try {
      observe?.(record);
    } catch {
      // Observability must not break request handling.
    }
    if (logger === undefined || record.code === undefined) return;
    const fields = { status: record.status, code: record.code, outcome: record.outcome };
    try {
      if (record.status >= 500) logger.warn(fields, 'tip-sdk http request refused');
      else logger.debug(fields, 'tip-sdk http request refused');
    } catch {
      // Same for a faulty logger.
    }
  }

  function refuse(response: HttpErrorResponse, startedAt: number, source?: 'header' | 'cookie'): AuthOutcome {
    const aborted = response.body.code === 'ERR_ABORTED';
    report({
      outcome: aborted ? 'aborted' : 'rejected',
      status: response.status,
      code: response.body.code,
      ...(source === undefined ? {} : { source }),
      durationMs: now() - startedAt,
    });
    return { kind: 'refused', response };
  }

  function accept(session: UserSession, startedAt: number, source: 'header' | 'cookie'): AuthOutcome {
    if (observe !== undefined) {
      report({
        outcome: 'authenticated',
        status: 200,
        source,
        issuer: session.identity.issuer,
        idcUserId: session.identity.idcUserId,
        durationMs: now() - startedAt,
      });
    }
    return { kind: 'session', session };
  }

  return {
    settings,
    authenticateNow(request) {
      const startedAt = now();
      // Only a token equal to a verified one is answered here; any other goes to authenticate().
      const found = extractBearerToLookUp(request, cookieName);
      if (found.kind !== 'token') return undefined;
      if (found.source === 'cookie' && crossSite?.refuses(request) === true) return undefined;
      const session = warmSessionOf(tip, found.token);
      return session === undefined ? undefined : accept(session, startedAt, found.source);
    },
    async authenticate(request, signal) {
      const startedAt = now();
      const found = extractBearer(request, cookieName);
      if (found.kind === 'malformed')
        return refuse(malformedRequestResponse(settings, found.reason), startedAt);
      if (found.kind === 'missing') {
        if (options.optional === true) {
          report({ outcome: 'anonymous', status: 200, durationMs: now() - startedAt });
          return { kind: 'anonymous' };
        }
        return refuse(missingTokenResponse(settings), startedAt);
      }
      // Checked before any work: a forged cross-site request costs no verification and no AWS call.
      if (found.source === 'cookie' && crossSite?.refuses(request) === true) {
        return refuse(crossSiteResponse(), startedAt, found.source);
      }
      try {
        return accept(await tip.forToken(found.token, { signal }), startedAt, found.source);
      } catch (error) {
        const outcome = refuse(errorResponse(error, settings), startedAt, found.source);
        return { ...outcome, error } as AuthOutcome;
      }
    },
  };
}
