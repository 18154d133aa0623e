/**
 * The opaque token `GetIdentityCenterAuthToken` returns (Redshift and Redshift Serverless) and Redshift
 * drivers send as a `SUBJECT_TOKEN`. On AWS it is KMS-encrypted for the named clusters or workgroups; here it
 * is sealed with AES-256-GCM under a key derived from `runtime.secretKey`, so only the emulator that issued
 * it can read it, and any change to it is detected. It binds the IdC user, the targets and an expiry.
 */
import { createSealer } from '../core/sealed.js';
import type { EmulatorRuntime, IdentityContextClaims } from '../core/types.js';
import type { RedshiftTarget } from './targets.js';

const PREFIX = 'tiprsat1.';
const sealer = createSealer({
  prefix: PREFIX,
  purpose: 'tip-sdk/redshift-auth-token',
  aad: 'tip-sdk emulator redshift auth token v1',
});
/** Upper bound on an accepted token, characters: 20 targets of 63 characters plus a user fit well below. */
const MAX_TOKEN_LENGTH = 16 * 1024;

/** Who and what a Redshift auth token is for. */
export interface RedshiftAuthTokenClaims {
  /** IdC user id. */
  readonly idcUserId: string;
  /** Identity store userName; the database user is `<namespace>:<userName>`. */
  readonly userName: string;
  /** IdC group names of the user. */
  readonly groupNames: readonly string[];
  readonly identityStoreId: string;
  /** Application ARN of the identity context the token came from. */
  readonly applicationArn: string;
  /** Whether the targets are Serverless workgroups or provisioned clusters. */
  readonly kind: RedshiftTarget['kind'];
  /** Workgroup names or cluster identifiers the token is valid for. */
  readonly targets: readonly string[];
  /** Issue time, epoch ms. */
  readonly issuedAt: number;
  /** Expiry, epoch ms. */
  readonly expiresAt: number;
}

/** Why a token did not verify. */
export type RedshiftAuthTokenFailure = 'malformed' | 'tampered' | 'expired' | 'wrong-target';

/** Outcome of {@link verifyRedshiftAuthToken}. */
export type RedshiftAuthTokenVerification =
  | { readonly ok: true; readonly claims: RedshiftAuthTokenClaims }
  | { readonly ok: false; readonly reason: RedshiftAuthTokenFailure };

/**
 * Seals a token for the IdC user of `identity`, valid for `targets` of one `kind` until `expiresAt`.
 *
 * @param runtime - Its `secretKey` seals the token.
 * @param identity - The identity context of the caller's identity-enhanced session.
 * @param kind - `workgroup` or `cluster`.
 * @param targets - Names the token is valid for (1..20, validated by the caller).
 * @param issuedAt - Issue time, epoch ms.
 * @param expiresAt - Expiry, epoch ms.
 * @returns An opaque base64url string with a version prefix.
 */
export function sealRedshiftAuthToken(
  runtime: EmulatorRuntime,
  identity: IdentityContextClaims,
  kind: RedshiftTarget['kind'],
  targets: readonly string[],
  issuedAt: number,
  expiresAt: number,
): string {
  const claims: RedshiftAuthTokenClaims = {
    idcUserId: identity.idcUserId,
    userName: identity.userName,
    groupNames: [...identity.groupNames],
    identityStoreId: identity.identityStoreId,
    applicationArn: identity.applicationArn,
    kind,
    targets: [...targets],
    issuedAt,
    expiresAt,
  };
  return sealer.seal(runtime.secretKey, Buffer.from(JSON.stringify(claims), 'utf8'));
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((s) => typeof s === 'string');
}

function parseClaims(json: unknown): RedshiftAuthTokenClaims | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const c = json as Record<string, unknown>;
  const strings = [c.idcUserId, c.userName, c.identityStoreId, c.applicationArn];
  if (!strings.every((s) => typeof s === 'string')) return undefined;
  if (c.kind !== 'workgroup' && c.kind !== 'cluster') return undefined;
  if (!isStringArray(c.groupNames) || !isStringArray(c.targets)) return undefined;
  if (typeof c.issuedAt !== 'number' || typeof c.expiresAt !== 'number') return undefined;
  if (!Number.isFinite(c.issuedAt) || !Number.isFinite(c.expiresAt)) return undefined;
  return Object.freeze({
    idcUserId: c.idcUserId as string,
    userName: c.userName as string,
    groupNames: Object.freeze([...c.groupNames]),
    identityStoreId: c.identityStoreId as string,
    applicationArn: c.applicationArn as string,
    kind: c.kind,
    targets: Object.freeze([...c.targets]),
    issuedAt: c.issuedAt,
    expiresAt: c.expiresAt,
  });
}

/**
 * Verifies a token from `GetIdentityCenterAuthToken` of the same emulator run. Never throws.
 *
 * @param runtime - Its `secretKey` and clock (`now()`, epoch ms).
 * @param token - The untrusted token string.
 * @param target - When given, the workgroup or cluster the token is presented to; a token for other targets
 *   (or the other kind) is refused with `wrong-target`.
 * @returns The claims, or why the token was refused: `malformed`, `tampered` (integrity check failed or
 *   sealed by another emulator run), `expired` (`expiresAt` not after `now()`), `wrong-target`.
 */
export function verifyRedshiftAuthToken(
  runtime: EmulatorRuntime,
  token: unknown,
  target?: Pick<RedshiftTarget, 'kind' | 'name'>,
): RedshiftAuthTokenVerification {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !token.startsWith(PREFIX)) {
    return { ok: false, reason: 'malformed' };
  }
  const opened = sealer.open(runtime.secretKey, token);
  if (!opened.ok) return opened;
  let claims: RedshiftAuthTokenClaims | undefined;
  try {
    claims = parseClaims(JSON.parse(opened.plain.toString('utf8')));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (!claims) return { ok: false, reason: 'malformed' };
  if (claims.expiresAt <= runtime.now()) return { ok: false, reason: 'expired' };
  if (target && (claims.kind !== target.kind || !claims.targets.includes(target.name))) {
    return { ok: false, reason: 'wrong-target' };
  }
  return { ok: true, claims };
}
