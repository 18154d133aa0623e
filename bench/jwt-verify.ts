/**
 * JWT verification throughput for RS256, ES256 and EdDSA, each against raw `crypto.verify` with a prepared
 * KeyObject on pre-split input (the baseline, the floor of any verifier), in paired rounds: that plus the
 * payload decoded and parsed (the floor of any verifier that reads claims), jose
 * `jwtVerify` with a local JWK set (`createLocalJWKSet`, as users configure it), fast-jwt with the public
 * key, aws-jwt-verify `verifySync` with a preloaded JWKS, and tip-sdk's verifier for first-seen tokens
 * (with the verified-token cache on and off) and for a repeated token (a cache hit, not a verification).
 * Every case but the last verifies a different token each call, cycling through a pool larger than any
 * cache in the run.
 *
 * Run: node --import tsx bench/jwt-verify.ts
 * Env: BENCH_POOL (default 3000), BENCH_ROUNDS (default 7), BENCH_SLICE_MS (default 200),
 *      BENCH_ALGS (default "RS256,ES256,EdDSA").
 */
import { createPublicKey, verify } from 'node:crypto';
import { JwtVerifier } from 'aws-jwt-verify';
import { createVerifier } from 'fast-jwt';
import { type JSONWebKeySet, createLocalJWKSet, jwtVerify } from 'jose';
import { createJwtVerifier } from '../src/index.js';
import type { IssuerOptions, JwtAlgorithm, PublicJwk } from '../src/index.js';
import { type BenchCase, compare, formatComparison } from './lib/harness.js';
import { type BenchAlg, accessClaims, benchKeys, signJwt } from './lib/jwt-keys.js';

const ISSUER = 'https://idp.example.com';
const AUDIENCE = 'analytics-api';
const POOL = Number(process.env.BENCH_POOL ?? 3000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const SLICE_MS = Number(process.env.BENCH_SLICE_MS ?? 200);
const ALGS = (process.env.BENCH_ALGS ?? 'RS256,ES256,EdDSA').split(',') as BenchAlg[];

async function suite(alg: BenchAlg): Promise<void> {
  const keys = benchKeys(alg);
  const pool = Array.from({ length: POOL }, (_, i) =>
    signJwt(keys, accessClaims(ISSUER, AUDIENCE, `user-${i}`)),
  );
  const publicKey = createPublicKey({ key: keys.jwk as never, format: 'jwk' });
  const digest = alg === 'EdDSA' ? null : 'sha256';
  const rawKey = alg === 'ES256' ? { key: publicKey, dsaEncoding: 'ieee-p1363' as const } : publicKey;
  const issuers: IssuerOptions[] = [
    {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: [alg as JwtAlgorithm],
      jwks: { keys: [keys.jwk as PublicJwk] },
    },
  ];
  // A cache smaller than the pool: cycling through the pool, every lookup misses (first-seen tokens).
  const cached = createJwtVerifier({ issuers, maxCachedTokens: Math.floor(POOL / 4) });
  const uncached = createJwtVerifier({ issuers, maxCachedTokens: 0 });
  const repeated = createJwtVerifier({ issuers });
  const jwks = createLocalJWKSet({ keys: [keys.jwk] } as JSONWebKeySet);
  const fast = createVerifier({
    key: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    algorithms: [alg],
    allowedIss: ISSUER,
    allowedAud: AUDIENCE,
  });
  const aws = JwtVerifier.create({ issuer: ISSUER, audience: AUDIENCE, jwksUri: `${ISSUER}/jwks.json` });
  aws.cacheJwks({ keys: [keys.jwk] } as unknown as Parameters<typeof aws.cacheJwks>[0]);
  const supported = (check: () => unknown) => {
    try {
      check();
      return true;
    } catch {
      return false;
    }
  };
  let i = 0;
  const next = () => pool[i++ % POOL]!;
  const optional = (name: string, fn: () => unknown): BenchCase[] => {
    if (supported(fn)) return [{ name, fn }];
    console.log(`${name}: ${alg} not supported; not measured.`);
    return [];
  };
  const cases: BenchCase[] = [
    {
      // What any verifier that reads the claims must do at least: the signature, then the payload parsed.
      name: 'floor: raw verify + JSON.parse(payload)',
      fn: () => {
        const t = next();
        if (!verify(digest, t.input, rawKey, t.signature)) throw new Error('bad signature');
        const dot = t.token.indexOf('.');
        return JSON.parse(
          Buffer.from(t.token.slice(dot + 1, t.input.length), 'base64url').toString('latin1'),
        );
      },
    },
    {
      name: 'jose jwtVerify (createLocalJWKSet)',
      fn: () => jwtVerify(next().token, jwks, { issuer: ISSUER, audience: AUDIENCE }),
    },
    ...optional('fast-jwt createVerifier (public key)', () => fast(next().token)),
    ...optional('aws-jwt-verify verifySync (cached JWKS)', () => aws.verifySync(next().token)),
    { name: 'tip-sdk verify, first-seen token (cache on)', fn: () => cached.verify(next().token) },
    { name: 'tip-sdk verify, first-seen token (cache off)', fn: () => uncached.verify(next().token) },
    { name: 'tip-sdk verify, repeated token (cache hit)', fn: () => repeated.verify(pool[0]!.token) },
  ];
  const result = await compare(
    {
      name: 'raw crypto.verify (prepared KeyObject)',
      fn: () => {
        const t = next();
        if (!verify(digest, t.input, rawKey, t.signature)) throw new Error('bad signature');
      },
    },
    cases,
    { rounds: ROUNDS, sliceMs: SLICE_MS },
  );
  console.log(formatComparison(`\n${alg} (pool of ${POOL} distinct tokens)`, result, 'verifies/s'));
}

for (const alg of ALGS) await suite(alg);
