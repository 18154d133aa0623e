/**
 * The identity context: the opaque assertion that IAM Identity Center hands out in
 * `awsAdditionalDetails.identityContext` and that STS `AssumeRole` accepts in `ProvidedContexts`.
 *
 * It is sealed with AES-256-GCM under a key derived from `runtime.secretKey`, so it is both opaque and
 * integrity-protected: only the running emulator that issued it can read or verify it. The payload is
 * deflated, and groups known to the configuration travel as a bitset over the configured group list, so a
 * user in thousands of groups still fits STS's 2048-character limit for `ContextAssertion`.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { createSealer } from '../core/sealed.js';
import type { EmulatorRuntime, IdentityContextClaims } from '../core/types.js';

/** Prefix naming the format version; everything after it is base64url. */
const PREFIX = 'tipctx1.';
const sealer = createSealer({
  prefix: PREFIX,
  purpose: 'tip-sdk/identity-context',
  aad: 'tip-sdk emulator identity context v1',
});
/** STS `ContextAssertion` bounds, characters. */
export const IDENTITY_CONTEXT_MIN_LENGTH = 4;
/** STS `ContextAssertion` maximum length, characters. */
export const IDENTITY_CONTEXT_MAX_LENGTH = 2048;
/** Bound on the inflated payload, bytes: a sealed payload never legitimately exceeds it. */
const MAX_PLAIN_BYTES = 256 * 1024;
/** The audience every context is sealed for: STS `AssumeRole` with the IdentityCenter context provider. */
const AUDIENCE = 'arn:aws:iam::aws:contextProvider/IdentityCenter';

/** Why a context assertion did not verify. */
export type IdentityContextFailure = 'malformed' | 'tampered' | 'expired' | 'wrong-audience';

/** Outcome of {@link verifyIdentityContext}. */
export type IdentityContextVerification =
  | { ok: true; claims: IdentityContextClaims }
  | { ok: false; reason: IdentityContextFailure };

/** The sealed payload. Short keys keep the assertion small. */
interface Payload {
  /** Audience. */
  a: string;
  /** IdC user id. */
  u: string;
  /** userName. */
  n: string;
  /** Bitset (base64url) over `config.identityCenter.groups` of the user's configured groups. */
  b: string;
  /** Groups not in the configuration, as `[id, name]` pairs. */
  x: [string, string][];
  /** Identity store id, or null for the configured one. */
  s: string | null;
  /** Instance ARN, or null for the configured one. */
  i: string | null;
  /** Application ARN. */
  p: string;
  /** Expiry, epoch ms. */
  e: number;
}

function encodePayload(runtime: EmulatorRuntime, claims: IdentityContextClaims): Payload {
  const { groups, identityStoreId, instanceArn } = runtime.config.identityCenter;
  if (claims.groupIds.length !== claims.groupNames.length) {
    throw new TypeError('identity context: groupIds and groupNames must have the same length');
  }
  const bits = Buffer.alloc(Math.ceil(groups.length / 8));
  const extra: [string, string][] = [];
  const indexOf = new Map(groups.map((g, index) => [`${g.groupId}\n${g.name}`, index]));
  claims.groupIds.forEach((id, k) => {
    const name = claims.groupNames[k] as string;
    const index = indexOf.get(`${id}\n${name}`);
    if (index !== undefined) bits[index >> 3] = (bits[index >> 3] as number) | (1 << (index & 7));
    else extra.push([id, name]);
  });
  return {
    a: AUDIENCE,
    u: claims.idcUserId,
    n: claims.userName,
    b: bits.toString('base64url'),
    x: extra,
    s: claims.identityStoreId === identityStoreId ? null : claims.identityStoreId,
    i: claims.instanceArn === instanceArn ? null : claims.instanceArn,
    p: claims.applicationArn,
    e: claims.expiresAt,
  };
}

/**
 * Seals `claims` into an identity context assertion for STS.
 *
 * @param runtime - The emulator runtime: its `secretKey` seals the context, its configuration names the groups.
 * @param claims - Who the context stands for; `expiresAt` (epoch ms) bounds its validity.
 * @returns An opaque string of 4..2048 characters.
 * @throws RangeError when the claims do not fit 2048 characters (thousands of groups unknown to the
 *   configuration), TypeError when `groupIds` and `groupNames` differ in length.
 */
export function issueIdentityContext(runtime: EmulatorRuntime, claims: IdentityContextClaims): string {
  const plain = deflateRawSync(Buffer.from(JSON.stringify(encodePayload(runtime, claims)), 'utf8'));
  const assertion = sealer.seal(runtime.secretKey, plain);
  if (assertion.length > IDENTITY_CONTEXT_MAX_LENGTH) {
    throw new RangeError(
      `identity context would be ${assertion.length} characters, over STS's ${IDENTITY_CONTEXT_MAX_LENGTH}: ` +
        'declare the user groups in the emulator configuration or reduce them',
    );
  }
  return assertion;
}

function isString(v: unknown, max = 2048): v is string {
  return typeof v === 'string' && v.length <= max;
}

function parsePayload(json: unknown): Payload | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const p = json as Record<string, unknown>;
  if (!isString(p.a) || !isString(p.u) || !isString(p.n)) return undefined;
  if ((p.s !== null && !isString(p.s)) || (p.i !== null && !isString(p.i))) return undefined;
  if (!isString(p.p) || typeof p.b !== 'string' || !Array.isArray(p.x)) return undefined;
  if (typeof p.e !== 'number' || !Number.isFinite(p.e)) return undefined;
  for (const pair of p.x) {
    if (!Array.isArray(pair) || pair.length !== 2 || !isString(pair[0]) || !isString(pair[1]))
      return undefined;
  }
  return p as unknown as Payload;
}

function decodeClaims(runtime: EmulatorRuntime, p: Payload): IdentityContextClaims | undefined {
  const { groups, identityStoreId, instanceArn } = runtime.config.identityCenter;
  const bits = Buffer.from(p.b, 'base64url');
  const groupIds: string[] = [];
  const groupNames: string[] = [];
  for (let index = 0; index < bits.length * 8; index++) {
    if (((bits[index >> 3] as number) & (1 << (index & 7))) === 0) continue;
    const group = groups[index];
    if (!group) return undefined;
    groupIds.push(group.groupId);
    groupNames.push(group.name);
  }
  for (const [id, name] of p.x) {
    groupIds.push(id);
    groupNames.push(name);
  }
  return Object.freeze({
    idcUserId: p.u,
    userName: p.n,
    groupIds: Object.freeze(groupIds),
    groupNames: Object.freeze(groupNames),
    identityStoreId: p.s ?? identityStoreId,
    instanceArn: p.i ?? instanceArn,
    applicationArn: p.p,
    expiresAt: p.e,
  });
}

/**
 * Verifies an identity context assertion issued by {@link issueIdentityContext} of the same runtime.
 * Never throws: any input yields a result.
 *
 * @param runtime - The emulator runtime (its `secretKey` and clock `now()`, epoch ms).
 * @param assertion - The untrusted `ContextAssertion` string.
 * @returns The claims, or why they were refused: `malformed` (not an assertion of this format),
 *   `tampered` (integrity check failed, or sealed by another emulator), `wrong-audience` (sealed for another
 *   purpose or another IdC instance), `expired` (`expiresAt` not after `runtime.now()`).
 */
export function verifyIdentityContext(
  runtime: EmulatorRuntime,
  assertion: string,
): IdentityContextVerification {
  try {
    return verify(runtime, assertion);
  } catch {
    return { ok: false, reason: 'malformed' };
  }
}

function verify(runtime: EmulatorRuntime, assertion: unknown): IdentityContextVerification {
  if (
    typeof assertion !== 'string' ||
    assertion.length < IDENTITY_CONTEXT_MIN_LENGTH ||
    assertion.length > IDENTITY_CONTEXT_MAX_LENGTH ||
    !assertion.startsWith(PREFIX)
  ) {
    return { ok: false, reason: 'malformed' };
  }
  const opened = sealer.open(runtime.secretKey, assertion);
  if (!opened.ok) return opened;
  const plain = opened.plain;
  const payload = parsePayload(
    JSON.parse(inflateRawSync(plain, { maxOutputLength: MAX_PLAIN_BYTES }).toString('utf8')),
  );
  if (!payload) return { ok: false, reason: 'malformed' };
  const claims = decodeClaims(runtime, payload);
  if (!claims) return { ok: false, reason: 'malformed' };
  if (payload.a !== AUDIENCE || claims.instanceArn !== runtime.config.identityCenter.instanceArn) {
    return { ok: false, reason: 'wrong-audience' };
  }
  if (claims.expiresAt <= runtime.now()) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}
