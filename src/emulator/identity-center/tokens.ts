/**
 * The IdC token store: opaque access tokens, refresh tokens and authorization codes the emulator issued,
 * and the `jti`s of external assertions already exchanged. Maps are keyed by SHA-256 digests, never by the
 * token itself, and entries are dropped once expired.
 */
import { createHash, randomBytes } from 'node:crypto';

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

class ExpiringMap<V extends { readonly expiresAt: number }> {
  readonly #map = new Map<string, V>();

  set(key: string, value: V, now: number): void {
    this.#prune(now);
    this.#map.set(key, value);
  }

  get(key: string): V | undefined {
    return this.#map.get(key);
  }

  delete(key: string): void {
    this.#map.delete(key);
  }

  get size(): number {
    return this.#map.size;
  }

  #prune(now: number): void {
    // Expired entries are kept a while so an expired token is told apart from an unknown one.
    const horizon = now - 24 * 3600_000;
    for (const [key, value] of this.#map) if (value.expiresAt < horizon) this.#map.delete(key);
  }
}

/** Issued tokens and used assertion ids of one emulator run. */
export class TokenStore {
  readonly #access = new ExpiringMap<Grant>();
  readonly #refresh = new ExpiringMap<Grant>();
  readonly #codes = new ExpiringMap<CodeGrant>();
  readonly #jtis = new Map<string, number>();

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
    for (const [key, until] of this.#jtis) if (until < now) this.#jtis.delete(key);
    this.#jtis.set(digest(`${issuer}\n${jti}`), expiresAt);
  }
}
