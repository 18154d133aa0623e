/**
 * The IdC token store: opaque access tokens, refresh tokens and authorization codes the emulator issued,
 * and the `jti`s of external assertions already exchanged. Maps are keyed by SHA-256 digests, never by the
 * token itself, and entries are dropped once expired.
 */
import { createHash, randomBytes } from 'node:crypto';
import { optionError } from '../../errors.js';
import { SweptMap } from '../core/swept-map.js';

/** What an issued access token, refresh token or authorization code stands for. */
export interface Grant {
  /** IdC user id. */
  readonly userId: string;
  /** Application ARN the token was issued to. */
  readonly applicationArn: string;
  /** Granted scopes. */
  readonly scopes: readonly string[];
  /** When the user authenticated, epoch ms. */
  readonly authTime: number;
  /** Expiry, epoch ms. */
  readonly expiresAt: number;
}

/** An authorization code: a grant bound to a redirect URI and a PKCE challenge. */
export interface CodeGrant extends Grant {
  readonly redirectUri: string;
  /** S256 PKCE challenge (base64url SHA-256 of the verifier); undefined when the code was issued without PKCE. */
  readonly codeChallenge: string | undefined;
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

function opaque(prefix: string): string {
  return prefix + randomBytes(48).toString('base64url');
}

/** Retention limits of the IdC token store. Every call stays O(1) amortized whatever the limits. */
export interface TokenStoreOptions {
  /**
   * Issued access tokens, refresh tokens and authorization codes remembered per kind. Past it the oldest
   * are forgotten first and then refused as unknown tokens. Default 100 000.
   */
  readonly maxTokens?: number;
  /**
   * How long an expired token is still remembered, in ms, so that it is refused as expired rather than
   * unknown. Default 86 400 000 (24 h).
   */
  readonly expiredRetentionMs?: number;
  /**
   * Exchanged assertion ids (`jti`) remembered. Each is kept until its assertion expires, after which a
   * replay is refused as expired anyway; past this limit the oldest are forgotten first, and a replay of
   * those assertions would be accepted. Default 1 000 000.
   */
  readonly maxJtis?: number;
}

/** The defaults of {@link TokenStoreOptions}. */
export const TOKEN_STORE_DEFAULTS: Readonly<Required<TokenStoreOptions>> = Object.freeze({
  maxTokens: 100_000,
  expiredRetentionMs: 24 * 3600_000,
  maxJtis: 1_000_000,
});

/** Issued tokens and used assertion ids of one emulator run. */
export class TokenStore {
  readonly #access: SweptMap<Grant>;
  readonly #refresh: SweptMap<Grant>;
  readonly #codes: SweptMap<CodeGrant>;
  readonly #jtis: SweptMap<number>;

  /** @param options - Retention limits; see {@link TokenStoreOptions} for the defaults. */
  constructor(options: TokenStoreOptions = {}) {
    const o = { ...TOKEN_STORE_DEFAULTS, ...options };
    for (const [name, value] of Object.entries(o)) {
      if (!Number.isSafeInteger(value) || value < 1) throw optionError(name, 'must be a positive integer');
    }
    // Expired entries are kept a while so an expired token is told apart from an unknown one.
    const stale = (g: { readonly expiresAt: number }, now: number) =>
      g.expiresAt < now - o.expiredRetentionMs;
    this.#access = new SweptMap<Grant>(o.maxTokens, stale);
    this.#refresh = new SweptMap<Grant>(o.maxTokens, stale);
    this.#codes = new SweptMap<CodeGrant>(o.maxTokens, stale);
    this.#jtis = new SweptMap(o.maxJtis, (until: number, now: number) => until < now);
  }

  /** Issues an opaque access token (`aoa…`) for `grant`. */
  issueAccessToken(grant: Grant, now: number): string {
    const token = opaque('aoa');
    this.#access.set(digest(token), grant, now);
    return token;
  }

  /** Issues an opaque refresh token (`aor…`) for `grant`. */
  issueRefreshToken(grant: Grant, now: number): string {
    const token = opaque('aor');
    this.#refresh.set(digest(token), grant, now);
    return token;
  }

  /** Issues a one-time authorization code for `grant`. */
  issueCode(grant: CodeGrant, now: number): string {
    const code = opaque('aoc');
    this.#codes.set(digest(code), grant, now);
    return code;
  }

  /** The grant of an access token (possibly expired), or undefined when unknown. */
  accessToken(token: string): Grant | undefined {
    return this.#access.get(digest(token));
  }

  /** The grant of a refresh token (possibly expired), or undefined when unknown. Refresh tokens are reusable until they expire. */
  refreshToken(token: string): Grant | undefined {
    return this.#refresh.get(digest(token));
  }

  /** Takes (and removes: codes are single-use) the grant of an authorization code. */
  takeCode(code: string): CodeGrant | undefined {
    const key = digest(code);
    const grant = this.#codes.get(key);
    this.#codes.delete(key);
    return grant;
  }

  /** Whether assertion id `jti` of `issuer` was already exchanged. */
  jtiUsed(issuer: string, jti: string): boolean {
    return this.#jtis.has(digest(`${issuer}\n${jti}`));
  }

  /**
   * Records assertion id `jti` of `issuer` as exchanged, until `expiresAt` (epoch ms, the assertion's `exp`):
   * after that the assertion is refused as expired anyway.
   */
  recordJti(issuer: string, jti: string, expiresAt: number, now: number): void {
    this.#jtis.set(digest(`${issuer}\n${jti}`), expiresAt, now);
  }
}
