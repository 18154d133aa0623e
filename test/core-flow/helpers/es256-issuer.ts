/**
 * An ES256 issuer for tests that let tip-sdk build its own verifier: a key pair, its public JWK, and
 * tokens signed on a test clock.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import type { PublicJwk } from '../../../src/jwt/types.js';
import { ISSUER } from './fake-aws.js';

/** The ES256 issuer's key, and tokens it signs at `clock()`. */
export function es256Issuer(clock: () => number) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'ES256', use: 'sig' } as PublicJwk;
  /** A token of `sub` with id `jti`, audience `aud`, living `lifetimeMs` from the clock's now. */
  function token(sub: string, jti: string, lifetimeMs: number, aud: string): string {
    const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const now = clock();
    const input = `${b64({ alg: 'ES256', kid: 'k1', typ: 'JWT' })}.${b64({
      iss: ISSUER,
      aud,
      sub,
      jti,
      iat: Math.floor(now / 1000),
      exp: Math.floor((now + lifetimeMs) / 1000),
    })}`;
    const signature = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
    return `${input}.${signature.toString('base64url')}`;
  }
  return { jwk, token };
}
