/**
 * Development signing keys of the embedded IdP: one RS256 (RSA 2048) and one ES256 (P-256) key pair per
 * generation, each with a key id derived from its RFC 7638 thumbprint. An IdP starts with the keys of one
 * that stopped earlier in the same process when there is one (see {@link acquireKeyGeneration}).
 */
import { generateKeyPair as generateKeyPairCallback, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { calculateJwkThumbprint, type JWK } from 'jose';

const generateKeyPair = promisify(generateKeyPairCallback);

/** The signing algorithms the embedded IdP holds keys for. */
export type IdpSigningAlg = 'RS256' | 'ES256';

/** One signing key: private key object, private JWK (for oidc-provider) and public JWK (for the JWKS). */
export interface IdpSigningKey {
  readonly alg: IdpSigningAlg;
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly privateJwk: JWK;
  readonly publicJwk: JWK;
}

/** One generation of keys: the RS256 key and the ES256 key created together. */
export interface IdpKeyGeneration {
  readonly RS256: IdpSigningKey;
  readonly ES256: IdpSigningKey;
}

/** Members of a JWK that carry private material; never published. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/** A copy of `jwk` without any private member. */
export function publicPart(jwk: JWK): JWK {
  const copy: Record<string, unknown> = { ...jwk };
  for (const member of PRIVATE_MEMBERS) delete copy[member];
  return copy as JWK;
}

async function toSigningKey(alg: IdpSigningAlg, privateKey: KeyObject): Promise<IdpSigningKey> {
  const exported = privateKey.export({ format: 'jwk' }) as JWK;
  const kid = await calculateJwkThumbprint(publicPart(exported), 'sha256');
  const privateJwk: JWK = { ...exported, kid, alg, use: 'sig' };
  return Object.freeze({ alg, kid, privateKey, privateJwk, publicJwk: publicPart(privateJwk) });
}

/** Generates a fresh RS256 + ES256 key generation (RSA generation dominates: tens of milliseconds). */
export async function generateKeyGeneration(): Promise<IdpKeyGeneration> {
  const [rsa, ec] = await Promise.all([
    generateKeyPair('rsa', { modulusLength: 2048 }),
    generateKeyPair('ec', { namedCurve: 'P-256' }),
  ]);
  const [RS256, ES256] = await Promise.all([
    toSigningKey('RS256', rsa.privateKey),
    toSigningKey('ES256', ec.privateKey),
  ]);
  return Object.freeze({ RS256, ES256 });
}

/** Key generations of stopped IdPs kept for the next IdP this process starts, at most. */
const MAX_RETIRED = 8;

const retired: IdpKeyGeneration[] = [];

/**
 * The first key generation of an IdP being started: one a stopped IdP of this process held, if any, else a
 * fresh one. An RSA 2048 key takes about 0.15 s of CPU to generate, which a process that starts and stops
 * many emulators (a test run) would otherwise pay at every start. Two running IdPs never share keys;
 * rotations always generate fresh ones.
 */
export function acquireKeyGeneration(): Promise<IdpKeyGeneration> {
  const reused = retired.pop();
  return reused === undefined ? generateKeyGeneration() : Promise.resolve(reused);
}

/** Hands the keys of an IdP that stopped to the next one this process starts. */
export function releaseKeyGeneration(keys: IdpKeyGeneration): void {
  if (retired.length < MAX_RETIRED && !retired.includes(keys)) retired.push(keys);
}
