/**
 * JWT verification throughput: raw `crypto.verify` with a prepared KeyObject (baseline), jose `jwtVerify`,
 * aws-jwt-verify with a preloaded JWKS, and tip-sdk's verifier for first-seen and repeated tokens.
 *
 * Run: node --import tsx bench/jwt-verify.ts
 */
import { type KeyObject, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { JwtVerifier } from 'aws-jwt-verify';
import { jwtVerify } from 'jose';
import { createJwtVerifier } from '../src/index.js';
import type { IssuerOptions, JwtAlgorithm, PublicJwk } from '../src/index.js';
import { type BenchCase, formatTable, runSuite } from './lib/harness.js';

const ISSUER = 'https://idp.example.com';
const AUDIENCE = 'analytics-api';
const POOL = Number(process.env.BENCH_POOL ?? 3000);
const TIME_MS = Number(process.env.BENCH_TIME_MS ?? 3000);

interface Signed {
  readonly token: string;
  readonly input: Buffer;
  readonly signature: Buffer;
}

function keysFor(alg: 'RS256' | 'ES256') {
  const pair =
    alg === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = { ...pair.publicKey.export({ format: 'jwk' }), kid: 'bench-key', alg, use: 'sig' };
  return { privateKey: pair.privateKey, publicKey: pair.publicKey, jwk };
}

function signToken(alg: 'RS256' | 'ES256', key: KeyObject, i: number): Signed {
  const now = Math.floor(Date.now() / 1000);
  const header = Buffer.from(JSON.stringify({ alg, kid: 'bench-key', typ: 'at+jwt' })).toString('base64url');
  const payload = Buffer.from(
    JSON.stringify({
      iss: ISSUER,
      sub: `user-${i}`,
      aud: AUDIENCE,
      client_id: 'bench-client',
      scope: 'openid analytics:read',
      jti: `jti-${i}-${Math.random().toString(36).slice(2)}`,
      iat: now,
      exp: now + 3600,
    }),
  ).toString('base64url');
  const input = Buffer.from(`${header}.${payload}`);
  const signature =
    alg === 'RS256' ? sign('sha256', input, key) : sign('sha256', input, { key, dsaEncoding: 'ieee-p1363' });
  return { token: `${header}.${payload}.${signature.toString('base64url')}`, input, signature };
}

async function suite(alg: 'RS256' | 'ES256'): Promise<void> {
  const { privateKey, jwk } = keysFor(alg);
  const pool = Array.from({ length: POOL }, (_, i) => signToken(alg, privateKey, i));
  const publicKey = createPublicKey({ key: jwk, format: 'jwk' });
  const rawKey = alg === 'RS256' ? publicKey : { key: publicKey, dsaEncoding: 'ieee-p1363' as const };
  const issuers: IssuerOptions[] = [
    {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: [alg as JwtAlgorithm],
      jwks: { keys: [jwk as PublicJwk] },
    },
  ];
  // Capacity below the pool size: cycling through the pool, every lookup misses and evicts (first-seen).
  const firstSeen = createJwtVerifier({ issuers, maxCachedTokens: Math.floor(POOL / 4) });
  const repeated = createJwtVerifier({ issuers });
  const aws = JwtVerifier.create({ issuer: ISSUER, audience: AUDIENCE, jwksUri: `${ISSUER}/jwks.json` });
  aws.cacheJwks({ keys: [jwk] } as Parameters<typeof aws.cacheJwks>[0]);
  let awsSupported = true;
  try {
    aws.verifySync(pool[0]!.token);
  } catch {
    awsSupported = false;
  }
  let i = 0;
  const next = () => pool[i++ % POOL]!;
  const cases: BenchCase[] = [
    {
      name: 'raw crypto.verify (prepared KeyObject)',
      fn: () => {
        const t = next();
        if (!verify('sha256', t.input, rawKey, t.signature)) throw new Error('bad signature');
      },
    },
    {
      name: 'jose jwtVerify (local key)',
      fn: () => jwtVerify(next().token, publicKey, { issuer: ISSUER, audience: AUDIENCE }),
    },
    ...(awsSupported
      ? [{ name: 'aws-jwt-verify verifySync (cached JWKS)', fn: () => aws.verifySync(next().token) }]
      : []),
    { name: 'tip-sdk verify, first-seen token', fn: () => firstSeen.verify(next().token) },
    { name: 'tip-sdk verify, repeated token', fn: () => repeated.verify(pool[0]!.token) },
  ];
  const results = await runSuite(cases, { timeMs: TIME_MS });
  console.log(formatTable(`\n${alg} (pool of ${POOL} distinct tokens)`, results, cases[0]!.name));
  if (!awsSupported) console.log(`aws-jwt-verify: ${alg} not supported by this version; skipped.`);
}

await suite('RS256');
await suite('ES256');
