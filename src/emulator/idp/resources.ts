/**
 * Audiences as RFC 8707 resource indicators, and the scopes the emulated resource servers accept.
 */

/** The OpenID scopes the embedded IdP knows; every other scope is a resource scope. */
export const OPENID_SCOPES: readonly string[] = ['openid', 'email', 'profile', 'groups', 'offline_access'];

/** The resource scope every emulated resource server accepts, and the default one requested. */
export const DEFAULT_RESOURCE_SCOPE = 'tip:read';

/** The default scope of scripted user logins. */
export const DEFAULT_USER_SCOPE = `openid email profile groups offline_access ${DEFAULT_RESOURCE_SCOPE}`;

const URN_PREFIX = 'urn:tip-sdk:audience:';

/**
 * The resource indicator for an audience: the audience itself when it is an absolute URI without a
 * fragment (RFC 8707 requires that), else `urn:tip-sdk:audience:<percent-encoded audience>`.
 */
export function resourceIndicatorFor(audience: string): string {
  let absolute = false;
  try {
    absolute = new URL(audience).href.length > 0 && !audience.includes('#');
  } catch {
    absolute = false;
  }
  if (absolute && !audience.startsWith(URN_PREFIX)) return audience;
  return URN_PREFIX + encodeURIComponent(audience);
}

/** The audience a resource indicator stands for (the inverse of {@link resourceIndicatorFor}). */
export function audienceFor(indicator: string): string {
  if (!indicator.startsWith(URN_PREFIX)) return indicator;
  try {
    return decodeURIComponent(indicator.slice(URN_PREFIX.length));
  } catch {
    return indicator;
  }
}

/** The resource scopes (non-OpenID) named in space-separated scope strings. */
export function resourceScopesIn(...scopeStrings: unknown[]): Set<string> {
  const result = new Set<string>([DEFAULT_RESOURCE_SCOPE]);
  for (const value of scopeStrings) {
    if (typeof value !== 'string') continue;
    for (const scope of value.split(' ')) {
      if (scope !== '' && !OPENID_SCOPES.includes(scope)) result.add(scope);
    }
  }
  return result;
}
