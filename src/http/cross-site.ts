/**
 * Cross-site request forgery protection for cookie mode. A cookie is sent by the browser whatever page
 * started the request, so a request that carries the token only in the cookie, with an unsafe method, is
 * refused when the browser says it came from another site. The rule follows the Fetch Metadata approach
 * (as Go's `net/http.CrossOriginProtection` does): `Sec-Fetch-Site` first, `Origin` against `Host` for
 * browsers that send no fetch metadata, and requests with neither header (non-browser clients) pass.
 *
 * @module
 */
import { optionError } from '../errors.js';
import type { BearerRequest } from './bearer.js';

/** Options of the cookie-mode cross-site check. */
export interface CrossSiteOptions {
  /**
   * Origins (`https://app.example.com`, scheme, host and port only) allowed to send unsafe requests with
   * the cookie although they are another site, e.g. a separate front-end origin. Default none.
   */
  readonly trustedOrigins?: readonly string[];
}

/** The validated check: `refuses(request)` is true for a cross-site unsafe request. */
export interface CrossSiteCheck {
  refuses(request: BearerRequest): boolean;
}

/** Methods that must not change state (RFC 9110 §9.2.1), let through whatever their origin. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function single(value: string | string[] | undefined): string | undefined {
  if (Array.isArray(value)) return value.length === 1 ? value[0] : 'repeated';
  return value;
}

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

/**
 * Validates the `csrf` option (a `TypeError` naming it) and builds the check, or `undefined` when it is
 * turned off with `false`.
 */
export function createCrossSiteCheck(option: unknown): CrossSiteCheck | undefined {
  if (option === false) return undefined;
  if (option !== undefined && (typeof option !== 'object' || option === null)) {
    throw optionError('csrf', 'must be false or an object such as { trustedOrigins: [] }');
  }
  const list = (option as CrossSiteOptions | undefined)?.trustedOrigins ?? [];
  if (!Array.isArray(list)) throw optionError('csrf.trustedOrigins', 'must be an array of origins');
  const trusted = new Set<string>();
  for (const [i, origin] of list.entries()) {
    let url: URL | undefined;
    try {
      url = typeof origin === 'string' ? new URL(origin) : undefined;
    } catch {
      url = undefined;
    }
    if (
      url === undefined ||
      (url.protocol !== 'https:' && url.protocol !== 'http:') ||
      url.origin !== origin
    ) {
      throw optionError(`csrf.trustedOrigins[${i}]`, 'must be an origin such as https://app.example.com');
    }
    trusted.add(origin);
  }
  return {
    refuses(request) {
      if (SAFE_METHODS.has((request.method ?? 'GET').toUpperCase())) return false;
      const origin = single(request.headers.origin);
      if (origin !== undefined && trusted.has(origin)) return false;
      const site = single(request.headers['sec-fetch-site']);
      if (site !== undefined) return site !== 'same-origin' && site !== 'none';
      // No fetch metadata: an older browser (compare its Origin with the Host it asked) or not a browser.
      if (origin === undefined) return false;
      const host = hostOf(origin);
      return host === undefined || host !== request.headers.host;
    },
  };
}
