import { TipError } from '../errors.js';

function invalid(issuer: string, reason: string, what: string): TipError {
  return new TipError(
    'ERR_DISCOVERY_INVALID',
    `The OpenID discovery document of issuer ${issuer} is not usable: ${what}. Check the issuer URL ` +
      'configured for the verifier against the "issuer" the provider publishes.',
    { details: { issuer, reason } },
  );
}

/** The discovery URL of an issuer (OpenID Connect Discovery 1.0 §4). */
export function discoveryUrl(issuer: string): string {
  return `${issuer.endsWith('/') ? issuer.slice(0, -1) : issuer}/.well-known/openid-configuration`;
}

/**
 * Checks that a URL is absolute, carries no credentials or fragment, and is `https` — or `http` when
 * insecure requests were explicitly allowed. Returns the problem, or `undefined` when acceptable.
 */
export function urlProblem(value: unknown, allowHttp: boolean): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) return 'not a URL string';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'not an absolute URL';
  }
  if (url.username !== '' || url.password !== '') return 'contains credentials';
  if (url.hash !== '') return 'contains a fragment';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && allowHttp) return undefined;
  return url.protocol === 'http:' ? 'uses http without allowInsecureRequests()' : 'is not https';
}

/**
 * Validates an untrusted discovery document and returns its `jwks_uri`. The document's `issuer` must equal
 * the configured issuer exactly (OpenID Connect Discovery 1.0 §4.3).
 */
export function parseDiscovery(doc: unknown, issuer: string, allowHttp: boolean): string {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw invalid(issuer, 'not_object', 'it is not a JSON object');
  }
  const d = doc as { issuer?: unknown; jwks_uri?: unknown };
  if (d.issuer !== issuer)
    throw invalid(issuer, 'issuer_mismatch', 'its "issuer" differs from the configured one');
  const problem = urlProblem(d.jwks_uri, allowHttp);
  if (problem !== undefined) throw invalid(issuer, 'jwks_uri', `its "jwks_uri" ${problem}`);
  return d.jwks_uri as string;
}
