/**
 * Reads the bearer token of an HTTP request: the `Authorization` header per RFC 6750 §2.1 (exactly one
 * header, scheme `Bearer` in any case, one `b64token`), or a configured cookie. Never logs or echoes the
 * token.
 *
 * @module
 */

/** The request parts the extraction reads (a Node `IncomingMessage` has them). */
export interface BearerRequest {
  /** Parsed headers (lower-case names). */
  readonly headers: {
    /** The `Authorization` header. */
    readonly authorization?: string | undefined;
    /** The `Cookie` header, read when a token cookie is configured. */
    readonly cookie?: string | undefined;
    /** The `Origin` header, for the cross-site check of cookie mode. */
    readonly origin?: string | undefined;
    /** The `Host` header, compared with `Origin` when the browser sent no `Sec-Fetch-Site`. */
    readonly host?: string | undefined;
    /** The `Sec-Fetch-Site` header (`same-origin`, `same-site`, `cross-site`, `none`). */
    readonly 'sec-fetch-site'?: string | string[] | undefined;
  };
  /** The HTTP method; a request without one counts as `GET`. */
  readonly method?: string | undefined;
  /** Raw header name/value pairs, to detect repeated `Authorization` headers that Node drops silently. */
  readonly rawHeaders?: readonly string[];
}

/** The outcome of {@link extractBearer}. `reason` is safe to show a client (it never quotes the input). */
export type BearerExtraction =
  | {
      /** A well-formed bearer credential was found. */
      readonly kind: 'token';
      /** The token (never logged). */
      readonly token: string;
      /** Where it came from. */
      readonly source: 'header' | 'cookie';
    }
  | {
      /** No credential at all. */
      readonly kind: 'missing';
    }
  | {
      /** A credential that is not one well-formed Bearer token. */
      readonly kind: 'malformed';
      /** Why, safe to show the client. */
      readonly reason: string;
    };

/** A character that may not appear in an RFC 6750 `b64token` (`=` may, as trailing padding only). */
const NOT_B64TOKEN = /[^A-Za-z0-9\-._~+/=]/;

/**
 * RFC 6750 `b64token`: `1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`. A search for a bad
 * character and an `indexOf` for the padding cost about a quarter less than the anchored pattern on a
 * 1 KB JWT (the scan is the largest cost of reading a header).
 */
function isB64token(value: string): boolean {
  if (NOT_B64TOKEN.test(value)) return false;
  const eq = value.indexOf('=');
  if (eq === -1) return value.length > 0;
  if (eq === 0) return false;
  for (let i = eq + 1; i < value.length; i++) if (value.charCodeAt(i) !== 61) return false;
  return true;
}
/** RFC 7230 `token` (an auth-scheme). */
const SCHEME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function countAuthorization(raw: readonly string[] | undefined): number {
  if (raw === undefined) return 0;
  let n = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    // The length test first spares a lower-cased copy of every other header name.
    if (name?.length === 13 && name.toLowerCase() === 'authorization') n++;
  }
  return n;
}

function fromHeader(value: string, strict: boolean): BearerExtraction {
  // The usual spelling skips the scheme checks (`Bearer` is a valid scheme, and ours).
  if (value.startsWith('Bearer ')) return bearerToken(value, 7, strict);
  const space = value.indexOf(' ');
  const scheme = space === -1 ? value : value.slice(0, space);
  if (!SCHEME.test(scheme))
    return { kind: 'malformed', reason: 'The Authorization header has no valid scheme.' };
  // Another scheme (Basic, Negotiate…) is not ours: the client gets the Bearer challenge, as if absent.
  if (scheme.toLowerCase() !== 'bearer') return { kind: 'missing' };
  return bearerToken(value, space === -1 ? value.length : space + 1, strict);
}

/** The token after the scheme and the space at `start` (more spaces may follow); `strict` checks its syntax. */
function bearerToken(value: string, start: number, strict: boolean): BearerExtraction {
  while (value.charCodeAt(start) === 32) start++;
  const token = value.slice(start);
  if (token.length === 0) return { kind: 'malformed', reason: 'The Bearer credential has no token.' };
  if (strict && !isB64token(token)) {
    return {
      kind: 'malformed',
      reason: 'The Authorization header must hold exactly one Bearer token (b64token syntax).',
    };
  }
  return { kind: 'token', token, source: 'header' };
}

function fromCookie(header: string | undefined, name: string, strict: boolean): BearerExtraction {
  if (header === undefined || header.length === 0) return { kind: 'missing' };
  const values: string[] = [];
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq === -1 || pair.slice(0, eq).trim() !== name) continue;
    values.push(pair.slice(eq + 1).trim());
  }
  if (values.length === 0) return { kind: 'missing' };
  if (values.length > 1) return { kind: 'malformed', reason: 'The token cookie is set more than once.' };
  let value = values[0] ?? '';
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
  if (value.length === 0) return { kind: 'missing' };
  if (strict && !isB64token(value)) return { kind: 'malformed', reason: 'The token cookie is not a token.' };
  return { kind: 'token', token: value, source: 'cookie' };
}

/**
 * Extracts the bearer token of `request`. A Bearer `Authorization` header wins over the cookie; a header
 * with another scheme counts as no token; repeated `Authorization` headers, a Bearer credential without a
 * token or with more than one token, and a repeated cookie are malformed.
 *
 * @param request - The request headers (and raw headers, when available).
 * @param cookieName - The cookie holding the token, if the service accepts one. Default: none.
 */
export function extractBearer(request: BearerRequest, cookieName?: string): BearerExtraction {
  return extract(request, cookieName, true);
}

/**
 * The token {@link extractBearer} would find, without its `b64token` syntax check (a scan of the whole
 * token): for looking the token up among verified ones only. Those are all compact JWTs, so a token that
 * equals one is well-formed; anything else must go through {@link extractBearer}, which says what is
 * wrong with it.
 */
export function extractBearerToLookUp(request: BearerRequest, cookieName?: string): BearerExtraction {
  return extract(request, cookieName, false);
}

function extract(request: BearerRequest, cookieName: string | undefined, strict: boolean): BearerExtraction {
  if (countAuthorization(request.rawHeaders) > 1) {
    return { kind: 'malformed', reason: 'The request has more than one Authorization header.' };
  }
  const header = request.headers.authorization;
  if (typeof header === 'string' && header.length > 0) {
    const found = fromHeader(header.trim(), strict);
    if (found.kind !== 'missing' || cookieName === undefined) return found;
  }
  return cookieName === undefined
    ? { kind: 'missing' }
    : fromCookie(request.headers.cookie, cookieName, strict);
}
