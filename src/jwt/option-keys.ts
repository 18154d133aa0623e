/**
 * The option keys of `createJwtVerifier`, its issuers and its JWKS cache, checked complete against their
 * types by the compiler, for refusing unknown keys.
 *
 * @module
 */
import { optionKeys } from '../option-keys.js';
import type { IssuerOptions, JwksCacheOptions, JwtVerifierOptions } from './types.js';

/** The keys of {@link JwtVerifierOptions} besides `issuers` (what `verifierOptions` may hold). */
export const VERIFIER_OPTION_KEYS = optionKeys<Omit<JwtVerifierOptions, 'issuers'>>({
  jwksCache: true,
  maxTokenBytes: true,
  maxCachedTokens: true,
  fetch: true,
  now: true,
  logger: true,
});

/** The keys of {@link JwtVerifierOptions}. */
export const JWT_VERIFIER_KEYS: ReadonlySet<string> = new Set(['issuers', ...VERIFIER_OPTION_KEYS]);

/** The keys of {@link IssuerOptions}. */
export const ISSUER_KEYS = optionKeys<IssuerOptions>({
  issuer: true,
  audience: true,
  algorithms: true,
  jwksUri: true,
  jwks: true,
  clockToleranceSeconds: true,
  requireExpiration: true,
  requiredClaims: true,
  typ: true,
  requiredScopes: true,
  check: true,
});

/** The keys of {@link JwksCacheOptions}. */
export const JWKS_CACHE_KEYS = optionKeys<JwksCacheOptions>({
  maxAgeMs: true,
  cooldownMs: true,
  timeoutMs: true,
  maxResponseBytes: true,
});
