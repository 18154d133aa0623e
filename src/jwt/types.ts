/**
 * Public types of the inbound JWT verifier.
 *
 * @module
 */
import type { DebugLogger } from '../logger.js';

/** A JSON value as produced by `JSON.parse`. */
export type JSONValue = string | number | boolean | null | JSONValue[] | { [key: string]: JSONValue };

/** A JSON object, e.g. a JWT payload or header. */
export interface JSONObject {
  [key: string]: JSONValue | undefined;
}

/**
 * A JWS algorithm the verifier accepts. Only asymmetric algorithms exist here: `none` and the HMAC family
 * (`HS256`…) are refused outright, because a verifier that holds only public keys can never use them safely.
 */
export type JwtAlgorithm =
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'EdDSA';

/** A public JSON Web Key (RFC 7517) of type RSA, EC or OKP (Ed25519). Extra members are allowed. */
export interface PublicJwk {
  /** Key type: `RSA`, `EC` or `OKP`. */
  readonly kty: string;
  /** Key id, matched against the token header `kid`. */
  readonly kid?: string;
  /** The one algorithm the key may be used with, if set. */
  readonly alg?: string;
  /** Intended use; must be `sig` when present. */
  readonly use?: string;
  /** Permitted operations; must include `verify` when present. */
  readonly key_ops?: readonly string[];
  /** RSA modulus (base64url). */
  readonly n?: string;
  /** RSA public exponent (base64url). */
  readonly e?: string;
  /** Curve of an EC or OKP key, e.g. `P-256`, `Ed25519`. */
  readonly crv?: string;
  /** EC/OKP x coordinate or public key (base64url). */
  readonly x?: string;
  /** EC y coordinate (base64url). */
  readonly y?: string;
  readonly [member: string]: unknown;
}

/** A JSON Web Key Set document. */
export interface JwksDocument {
  /** The keys. */
  readonly keys: readonly PublicJwk[];
}

/** The decoded, verified header of a token. */
export interface JwtHeader extends JSONObject {
  /** Signature algorithm. */
  readonly alg: JwtAlgorithm;
  /** Key id. */
  readonly kid?: string;
  /** Media type, e.g. `at+jwt` or `JWT`. */
  readonly typ?: string;
}

/**
 * A token that passed every check. Readonly and frozen; `claims` is the whole payload.
 *
 * @typeParam C - The caller's own claim type; defaults to any JSON object.
 */
export interface VerifiedJwt<C extends JSONObject = JSONObject> {
  /** The `iss` claim: exactly one of the configured issuers. */
  readonly issuer: string;
  /** The `sub` claim, or `undefined` when the token has none (e.g. some client-credentials tokens). */
  readonly subject: string | undefined;
  /** The `aud` claim as an array (empty when absent and the issuer's `audience` is `null`). */
  readonly audience: readonly string[];
  /** `exp` in epoch milliseconds; `undefined` only when `requireExpiration: false` and the token has none. */
  readonly expiresAt: number | undefined;
  /** `iat` in epoch milliseconds, when present. */
  readonly issuedAt: number | undefined;
  /** The whole payload, deeply frozen. */
  readonly claims: Readonly<C>;
  /** The protected header, deeply frozen. */
  readonly header: Readonly<JwtHeader>;
}

/**
 * A custom check run after every built-in check passed. Throw (or return `false`, or reject) to refuse the
 * token with `ERR_JWT_CHECK_FAILED`. Runs once per distinct token: results are cached (see
 * {@link JwtVerifierOptions.maxCachedTokens}).
 */
export type JwtCheck<C extends JSONObject = JSONObject> = (
  jwt: VerifiedJwt<C>,
  // biome-ignore lint/suspicious/noConfusingVoidType: a check that returns nothing accepts the token.
) => void | boolean | Promise<void | boolean>;

/**
 * How one trusted issuer is checked. `issuer`, `audience` and `algorithms` are required; `null` is the
 * only way to skip the audience check or to accept every supported algorithm.
 *
 * Keys come from exactly one source: `jwks` (local keys, never fetched), `jwksUri` (fetched from there),
 * or — when neither is given — OpenID discovery at `{issuer}/.well-known/openid-configuration`.
 * Plain `http` URLs are refused unless the options are wrapped in {@link allowInsecureRequests}.
 */
export interface IssuerOptions<C extends JSONObject = JSONObject> {
  /** The exact `iss` value (compared byte for byte: no trailing-slash or case folding). */
  readonly issuer: string;
  /** Accepted `aud` values (any one must appear in the token), or `null` to skip the audience check. */
  readonly audience: string | readonly string[] | null;
  /**
   * Accepted header `alg` values, or `null` for every supported asymmetric algorithm
   * (RS*, PS*, ES*, EdDSA). `none` and `HS*` are refused with a `TypeError`.
   */
  readonly algorithms: readonly JwtAlgorithm[] | null;
  /** The JWKS URL; skips discovery. Must be `https` (see {@link allowInsecureRequests}). */
  readonly jwksUri?: string;
  /** Local public keys; nothing is ever fetched for this issuer. */
  readonly jwks?: JwksDocument;
  /** Allowed clock skew for `exp`, `nbf` and `iat`, in seconds. Default `0`. */
  readonly clockToleranceSeconds?: number;
  /** Refuse tokens without `exp`. Default `true`. */
  readonly requireExpiration?: boolean;
  /** Claims that must be present (any value but `null`). Default none. */
  readonly requiredClaims?: readonly string[];
  /**
   * Expected `typ` header value(s), e.g. `at+jwt` for RFC 9068 access tokens. Compared case-insensitively
   * with an optional `application/` prefix. Default: `typ` is not checked.
   */
  readonly typ?: string | readonly string[];
  /**
   * Scopes that must all be granted, read from the space-delimited `scope` claim and/or the `scp` claim
   * (an array, or a space-delimited string). Default none.
   */
  readonly requiredScopes?: readonly string[];
  /** A custom check, see {@link JwtCheck}. */
  readonly check?: JwtCheck<C>;
}

/** Tuning of the per-issuer JWKS cache. Every field is optional. */
export interface JwksCacheOptions {
  /** After this many milliseconds a JWKS is refreshed in the background. Default `600_000` (10 min). */
  readonly maxAgeMs?: number;
  /**
   * Minimum milliseconds between two fetches for one issuer, whatever the outcome of the last one: an
   * unknown `kid` inside this window fails without a fetch, and so does a token that needs keys while the
   * last fetch failed (penalty box; it fails with that fetch's error). Default `30_000`.
   */
  readonly cooldownMs?: number;
  /**
   * Deadline of one key load, discovery and JWKS together, in milliseconds: no verification waits
   * longer for keys. Default `5_000`.
   */
  readonly timeoutMs?: number;
  /** Largest accepted discovery or JWKS response body, in bytes. Default `524_288` (512 KiB). */
  readonly maxResponseBytes?: number;
}

/** The `fetch` the verifier uses; `globalThis.fetch` by default. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/**
 * A sink for debug-level decisions (which issuer, which URL was fetched), called pino-style as
 * `debug(fields, message)`: a pino logger fits as is. Never receives a token.
 */
export type JwtVerifierLogger = DebugLogger;

/**
 * Options of {@link createJwtVerifier}.
 *
 * @typeParam C - The caller's own claim type, seen by custom checks and results.
 */
export interface JwtVerifierOptions<C extends JSONObject = JSONObject> {
  /** The trusted issuers; at least one, each `issuer` once. */
  readonly issuers: readonly IssuerOptions<C>[];
  /** JWKS cache tuning, see {@link JwksCacheOptions}. */
  readonly jwksCache?: JwksCacheOptions;
  /** Largest accepted compact token, in bytes, checked before any decoding. Default `16_384`. */
  readonly maxTokenBytes?: number;
  /** How many verified tokens to remember (approximate LRU, in process; only the very same token hits). `0` disables. Default `10_000`. */
  readonly maxCachedTokens?: number;
  /** The fetch implementation. Default `globalThis.fetch`. */
  readonly fetch?: FetchLike;
  /** The clock, in epoch milliseconds. Default `Date.now`. */
  readonly now?: () => number;
  /** Debug logger; silent by default. */
  readonly logger?: JwtVerifierLogger;
}

/** Options of one {@link JwtVerifier.verify} call. */
export interface VerifyOptions {
  /** Abandons waiting for keys; rejects with `ERR_ABORTED`. A shared fetch keeps running for others. */
  readonly signal?: AbortSignal;
}

/** A serializable snapshot of fetched public keys, for cold starts. */
export interface JwksCacheSnapshot {
  /** Snapshot format version. */
  readonly version: 1;
  /** Keys per issuer. */
  readonly issuers: Readonly<
    Record<
      string,
      {
        /** When the keys were fetched, epoch milliseconds. */
        readonly fetchedAt: number;
        /** The issuer's public keys. */
        readonly keys: readonly PublicJwk[];
      }
    >
  >;
}

/**
 * A multi-issuer JWT verifier; see {@link createJwtVerifier}.
 *
 * @typeParam C - The caller's own claim type of `claims` in results.
 */
export interface JwtVerifier<C extends JSONObject = JSONObject> {
  /**
   * Verifies a compact JWS JWT. Resolves with the verified token or rejects with a `TipError`
   * (`ERR_JWT_*`, `ERR_JWKS_*`, `ERR_JWK_INVALID`, `ERR_DISCOVERY_INVALID`, `ERR_ABORTED`).
   */
  verify(token: string, options?: VerifyOptions): Promise<VerifiedJwt<C>>;
  /** Fetches discovery and JWKS for every remote issuer now; rejects with the first failure. */
  hydrate(options?: VerifyOptions): Promise<void>;
  /** The fetched public keys of every remote issuer, as JSON-safe data. */
  exportCache(): JwksCacheSnapshot;
  /**
   * Loads a snapshot from {@link JwtVerifier.exportCache}. Keys are validated like a fetched JWKS; an issuer
   * is only updated when the snapshot is newer than what it holds. Unknown issuers are ignored.
   * Throws `ERR_JWKS_INVALID` for a malformed snapshot.
   */
  importCache(snapshot: unknown): void;
}
