import { optionError } from '../errors.js';
import { ALL_ALGORITHMS, isForbiddenAlgorithm, isJwtAlgorithm } from './algorithms.js';
import { urlProblem } from './discovery.js';
import { insecureAllowed } from './insecure.js';
import type { FetchLike, IssuerOptions, JwtAlgorithm, JwtCheck, JwtVerifierOptions } from './types.js';

/** One issuer's checks, validated, normalized and frozen. */
export interface IssuerPolicy {
  readonly issuer: string;
  readonly audiences: ReadonlySet<string> | null;
  readonly algorithms: ReadonlySet<JwtAlgorithm>;
  readonly toleranceMs: number;
  readonly requireExpiration: boolean;
  readonly requiredClaims: readonly string[];
  /** Normalized `typ` values (lower case, no `application/` prefix), or `null` when not checked. */
  readonly typ: ReadonlySet<string> | null;
  readonly requiredScopes: readonly string[];
  readonly check: JwtCheck | undefined;
  readonly jwksUri: string | undefined;
  readonly jwks: unknown;
  readonly allowHttp: boolean;
}

/** The verifier's options after validation. */
export interface ResolvedOptions {
  readonly issuers: readonly IssuerPolicy[];
  readonly maxAgeMs: number;
  readonly cooldownMs: number;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  readonly maxTokenBytes: number;
  readonly maxCachedTokens: number;
  readonly fetch: FetchLike;
  readonly now: () => number;
}

/** Lower case, without an `application/` prefix (RFC 8725 §3.11, RFC 7515 §4.1.9). */
export function normalizeTyp(typ: string): string {
  const lower = typ.toLowerCase();
  return lower.startsWith('application/') ? lower.slice(12) : lower;
}

function integer(value: unknown, path: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw optionError(path, `must be an integer from ${min} to ${max}`);
  }
  return value;
}

function stringList(value: unknown, path: string, allowEmpty: boolean): string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || (!allowEmpty && list.length === 0)) {
    throw optionError(path, 'must be a non-empty string or a non-empty array of non-empty strings');
  }
  for (const [i, v] of list.entries()) {
    if (typeof v !== 'string' || v.length === 0)
      throw optionError(`${path}[${i}]`, 'must be a non-empty string');
  }
  return [...(list as string[])];
}

function algorithms(value: unknown, path: string): ReadonlySet<JwtAlgorithm> {
  if (value === null) return new Set(ALL_ALGORITHMS);
  if (value === undefined) {
    throw optionError(
      path,
      'is required: list the algorithms your issuer signs with, e.g. ["RS256"], or null',
    );
  }
  if (!Array.isArray(value) || value.length === 0)
    throw optionError(path, 'must be a non-empty array or null');
  for (const [i, a] of value.entries()) {
    if (typeof a === 'string' && isForbiddenAlgorithm(a)) {
      throw optionError(`${path}[${i}]`, `is ${a}, which is never accepted: use an asymmetric algorithm`);
    }
    if (!isJwtAlgorithm(a)) throw optionError(`${path}[${i}]`, `must be one of ${ALL_ALGORITHMS.join(', ')}`);
  }
  return new Set(value as JwtAlgorithm[]);
}

function issuerPolicy(raw: unknown, path: string): IssuerPolicy {
  if (typeof raw !== 'object' || raw === null) throw optionError(path, 'must be an object');
  const o = raw as IssuerOptions;
  const allowHttp = insecureAllowed(raw);
  const issuerProblem = urlProblem(o.issuer, allowHttp);
  if (issuerProblem !== undefined) throw optionError(`${path}.issuer`, issuerProblem);
  if (o.audience === undefined) {
    throw optionError(
      `${path}.audience`,
      'is required: give the accepted audience(s), or null to skip the check',
    );
  }
  const audiences = o.audience === null ? null : new Set(stringList(o.audience, `${path}.audience`, false));
  if (o.jwks !== undefined && o.jwksUri !== undefined) {
    throw optionError(path, 'must not set both `jwks` and `jwksUri`');
  }
  if (o.jwksUri !== undefined) {
    const p = urlProblem(o.jwksUri, allowHttp);
    if (p !== undefined) throw optionError(`${path}.jwksUri`, p);
  }
  if (o.requireExpiration !== undefined && typeof o.requireExpiration !== 'boolean') {
    throw optionError(`${path}.requireExpiration`, 'must be a boolean');
  }
  if (o.check !== undefined && typeof o.check !== 'function')
    throw optionError(`${path}.check`, 'must be a function');
  const typ = o.typ === undefined ? null : new Set(stringList(o.typ, `${path}.typ`, false).map(normalizeTyp));
  return Object.freeze({
    issuer: o.issuer,
    audiences,
    algorithms: algorithms(o.algorithms, `${path}.algorithms`),
    toleranceMs: integer(o.clockToleranceSeconds, `${path}.clockToleranceSeconds`, 0, 3600, 0) * 1000,
    requireExpiration: o.requireExpiration ?? true,
    requiredClaims: Object.freeze(
      o.requiredClaims === undefined ? [] : stringList(o.requiredClaims, `${path}.requiredClaims`, true),
    ),
    typ,
    requiredScopes: Object.freeze(
      o.requiredScopes === undefined ? [] : stringList(o.requiredScopes, `${path}.requiredScopes`, true),
    ),
    check: o.check as JwtCheck | undefined,
    jwksUri: o.jwksUri,
    jwks: o.jwks,
    allowHttp,
  });
}

/** Validates every option (a `TypeError` naming the option path on the first problem) and applies defaults. */
export function resolveOptions(options: JwtVerifierOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw optionError('options', 'must be an object');
  if (!Array.isArray(options.issuers) || options.issuers.length === 0) {
    throw optionError('issuers', 'must be a non-empty array of issuer options');
  }
  const issuers = options.issuers.map((raw, i) => issuerPolicy(raw, `issuers[${i}]`));
  const seen = new Set<string>();
  for (const [i, p] of issuers.entries()) {
    if (seen.has(p.issuer)) throw optionError(`issuers[${i}].issuer`, 'is listed twice');
    seen.add(p.issuer);
  }
  const cache = options.jwksCache ?? {};
  if (typeof cache !== 'object' || cache === null) throw optionError('jwksCache', 'must be an object');
  const fetchFn = options.fetch ?? globalThis.fetch;
  if (typeof fetchFn !== 'function') throw optionError('fetch', 'must be a function');
  if (options.now !== undefined && typeof options.now !== 'function')
    throw optionError('now', 'must be a function');
  if (options.logger !== undefined && typeof options.logger?.debug !== 'function') {
    throw optionError('logger', 'must have a debug(fields, message) method, as a pino logger does');
  }
  return Object.freeze({
    issuers: Object.freeze(issuers),
    maxAgeMs: integer(cache.maxAgeMs, 'jwksCache.maxAgeMs', 1000, 86_400_000, 600_000),
    cooldownMs: integer(cache.cooldownMs, 'jwksCache.cooldownMs', 0, 3_600_000, 30_000),
    timeoutMs: integer(cache.timeoutMs, 'jwksCache.timeoutMs', 1, 120_000, 5_000),
    maxResponseBytes: integer(
      cache.maxResponseBytes,
      'jwksCache.maxResponseBytes',
      1024,
      16_777_216,
      524_288,
    ),
    maxTokenBytes: integer(options.maxTokenBytes, 'maxTokenBytes', 256, 1_048_576, 16_384),
    maxCachedTokens: integer(options.maxCachedTokens, 'maxCachedTokens', 0, 10_000_000, 10_000),
    fetch: fetchFn,
    now: options.now ?? Date.now,
  });
}
