/**
 * tip-sdk — AWS trusted identity propagation for Node services and BI connectors.
 *
 * @packageDocumentation
 */
export { TIP_ERROR_CODES, TipError, isTipError } from './errors.js';
export type { TipErrorCode, TipErrorDetails, TipErrorOptions } from './errors.js';
export { createJwtVerifier } from './jwt/verifier.js';
export { allowInsecureRequests } from './jwt/insecure.js';
export type {
  FetchLike,
  IssuerOptions,
  JSONObject,
  JSONValue,
  JwksCacheOptions,
  JwksCacheSnapshot,
  JwksDocument,
  JwtAlgorithm,
  JwtCheck,
  JwtHeader,
  JwtVerifier,
  JwtVerifierLogger,
  JwtVerifierOptions,
  PublicJwk,
  VerifiedJwt,
  VerifyOptions,
} from './jwt/types.js';
