/**
 * `tip-sdk doctor`'s reading of the IAM Identity Center setup, as an administrator reads it (sso-admin and
 * identitystore, with {@link DoctorAdmin} credentials): the application's JWT bearer grant, the trusted
 * token issuer whose `IssuerUrl` is the token's `iss` and the claim it maps, the grant's authorized
 * audiences against the token's `aud`, the identity store user that claim maps to, and the user's
 * assignment to the application. Each is ✓, ✗ with the fix, or skipped when the caller may not read it.
 *
 * @module
 */
import type { TipError } from '../errors.js';
import { loadOptionalPeer } from '../optional-peer.js';
import {
  type DoctorAdmin,
  adminClientConfig,
  adminFailure,
  adminSkipped,
  peerSkipped,
} from './doctor-admin.js';
import type { DoctorCheck } from './doctor.js';
import type { ResolvedProfile } from './profile.js';

type SsoAdmin = typeof import('@aws-sdk/client-sso-admin');
type IdentityStore = typeof import('@aws-sdk/client-identitystore');

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** Check names, in the order they are reported. */
const NAMES = {
  grant: 'application grant',
  issuer: 'trusted token issuer',
  audience: 'authorized audiences',
  user: 'identity store user',
  assignment: 'assignment',
} as const;

/** The IAM actions the checks call, for the "skipped: needs …" line. */
const ACTIONS = {
  grant: ['sso:GetApplicationGrant'],
  issuer: ['sso:DescribeTrustedTokenIssuer'],
  user: ['sso:ListInstances', 'identitystore:GetUserId'],
  assignment: [
    'sso:GetApplicationAssignmentConfiguration',
    'sso:ListApplicationAssignments',
    'identitystore:IsMemberInGroups',
  ],
} as const;

/** The value at a dotted claim path (`email`, `https://example.com/claims.upn` is one name). */
export function claimAt(claims: Readonly<Record<string, unknown>>, path: string): unknown {
  if (Object.hasOwn(claims, path)) return claims[path];
  let value: unknown = claims;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function sameIssuer(a: string | undefined, b: unknown): boolean {
  return typeof a === 'string' && typeof b === 'string' && a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}

function notChecked(name: string, why: string): DoctorCheck {
  return { name, outcome: 'skip', detail: `not checked: ${why}` };
}

/** What the trusted token issuer check found, for the checks after it. */
interface Issuer {
  readonly arn: string;
  readonly name: string;
  readonly claimPath: string;
  readonly attributePath: string;
  readonly audiences: readonly string[];
}

/**
 * The Identity Center checks of `profile` for a token with `claims`. Needs `applicationArn`; the
 * clients load on demand (`@aws-sdk/client-sso-admin`, `@aws-sdk/client-identitystore`).
 */
export async function checkIdentityCenter(
  profile: ResolvedProfile,
  claims: Readonly<Record<string, unknown>>,
  admin: DoctorAdmin | undefined,
): Promise<DoctorCheck[]> {
  const appArn = profile.applicationArn;
  if (appArn === undefined) return [];
  let sso: SsoAdmin;
  try {
    sso = await loadOptionalPeer('@aws-sdk/client-sso-admin', () => import('@aws-sdk/client-sso-admin'));
  } catch (error) {
    return [peerSkipped(NAMES.grant, error as TipError)];
  }
  const client = new sso.SSOAdminClient(adminClientConfig(profile, admin));
  const checks: DoctorCheck[] = [];
  try {
    const issuer = await readIssuer(sso, client, appArn, claims, checks);
    if (issuer === undefined) return checks;
    const aud = [claims.aud].flat().filter((a): a is string => typeof a === 'string');
    const accepted = aud.find((a) => issuer.audiences.includes(a));
    checks.push(
      accepted !== undefined
        ? {
            name: NAMES.audience,
            outcome: 'pass',
            detail: `aud ${accepted} is authorized for ${issuer.name}`,
          }
        : {
            name: NAMES.audience,
            outcome: 'fail',
            detail: `the token's aud ${JSON.stringify(aud)} is not among ${issuer.name}'s authorized audiences ${JSON.stringify(issuer.audiences)}`,
            fix: `add ${aud[0] ?? "the token's aud"} to AuthorizedAudiences of ${issuer.arn} on the application's jwt-bearer grant (sso-admin PutApplicationGrant)`,
          },
    );
    const value = claimAt(claims, issuer.claimPath);
    const user = await lookUpUser(profile, admin, sso, client, issuer, value, checks);
    if (user === undefined) {
      checks.push(notChecked(NAMES.assignment, 'no identity store user'));
      return checks;
    }
    checks.push(await checkAssignment(profile, admin, sso, client, appArn, user));
    return checks;
  } finally {
    client.destroy();
  }
}

async function readIssuer(
  sso: SsoAdmin,
  client: InstanceType<SsoAdmin['SSOAdminClient']>,
  appArn: string,
  claims: Readonly<Record<string, unknown>>,
  checks: DoctorCheck[],
): Promise<Issuer | undefined> {
  let entries: readonly { TrustedTokenIssuerArn?: string; AuthorizedAudiences?: string[] }[];
  try {
    const out = await client.send(
      new sso.GetApplicationGrantCommand({ ApplicationArn: appArn, GrantType: JWT_BEARER }),
    );
    entries =
      (out.Grant as { JwtBearer?: { AuthorizedTokenIssuers?: typeof entries } } | undefined)?.JwtBearer
        ?.AuthorizedTokenIssuers ?? [];
  } catch (error) {
    const { error: mapped, refused } = adminFailure(error, 'sso-admin', 'GetApplicationGrant');
    if (refused) {
      checks.push(
        adminSkipped(
          NAMES.grant,
          [...ACTIONS.grant, ...ACTIONS.issuer, ...ACTIONS.user, ...ACTIONS.assignment],
          mapped,
        ),
      );
      return undefined;
    }
    checks.push({
      name: NAMES.grant,
      outcome: 'fail',
      detail:
        mapped.code === 'ERR_NOT_FOUND'
          ? `${appArn} has no jwt-bearer grant (or does not exist)`
          : `${mapped.code}: ${mapped.message}`,
      fix: `enable the jwt-bearer grant (${JWT_BEARER}) on the application with the trusted token issuer and the token's aud (sso-admin PutApplicationGrant)`,
    });
    return undefined;
  }
  checks.push({
    name: NAMES.grant,
    outcome: 'pass',
    detail: `jwt-bearer grant with ${entries.length} trusted token issuer(s)`,
  });
  const seen: string[] = [];
  for (const entry of entries) {
    if (entry.TrustedTokenIssuerArn === undefined) continue;
    let config:
      | { IssuerUrl?: string; ClaimAttributePath?: string; IdentityStoreAttributePath?: string }
      | undefined;
    let name = entry.TrustedTokenIssuerArn;
    try {
      const out = await client.send(
        new sso.DescribeTrustedTokenIssuerCommand({ TrustedTokenIssuerArn: entry.TrustedTokenIssuerArn }),
      );
      config = (out.TrustedTokenIssuerConfiguration as { OidcJwtConfiguration?: typeof config } | undefined)
        ?.OidcJwtConfiguration;
      name = out.Name ?? name;
    } catch (error) {
      const { error: mapped, refused } = adminFailure(error, 'sso-admin', 'DescribeTrustedTokenIssuer');
      if (refused) {
        checks.push(
          adminSkipped(NAMES.issuer, [...ACTIONS.issuer, ...ACTIONS.user, ...ACTIONS.assignment], mapped),
        );
        return undefined;
      }
      seen.push(`${entry.TrustedTokenIssuerArn} (${mapped.code})`);
      continue;
    }
    seen.push(config?.IssuerUrl ?? '(no IssuerUrl)');
    if (!sameIssuer(config?.IssuerUrl, claims.iss)) continue;
    const claimPath = config?.ClaimAttributePath ?? '';
    const attributePath = config?.IdentityStoreAttributePath ?? '';
    if (typeof claimAt(claims, claimPath) !== 'string') {
      checks.push({
        name: NAMES.issuer,
        outcome: 'fail',
        detail: `${name} maps the claim \`${claimPath}\` to ${attributePath}, but the token has no such string claim`,
        fix: `issue tokens with the \`${claimPath}\` claim, or set ClaimAttributePath of ${name} to a claim the token carries (e.g. email)`,
      });
      return undefined;
    }
    checks.push({
      name: NAMES.issuer,
      outcome: 'pass',
      detail: `${name}: IssuerUrl ${String(claims.iss)}, maps the claim ${claimPath} to ${attributePath}`,
    });
    return {
      arn: entry.TrustedTokenIssuerArn,
      name,
      claimPath,
      attributePath,
      audiences: entry.AuthorizedAudiences ?? [],
    };
  }
  checks.push({
    name: NAMES.issuer,
    outcome: 'fail',
    detail: `no trusted token issuer on the grant has IssuerUrl ${String(claims.iss)} (found: ${seen.join(', ') || 'none'})`,
    fix: `create a trusted token issuer with IssuerUrl ${String(claims.iss)} and authorize it on the application's jwt-bearer grant`,
  });
  return undefined;
}

async function lookUpUser(
  profile: ResolvedProfile,
  admin: DoctorAdmin | undefined,
  sso: SsoAdmin,
  client: InstanceType<SsoAdmin['SSOAdminClient']>,
  issuer: Issuer,
  value: unknown,
  checks: DoctorCheck[],
): Promise<{ userId: string; storeId: string } | undefined> {
  const name = NAMES.user;
  let store: IdentityStore;
  try {
    store = await loadOptionalPeer(
      '@aws-sdk/client-identitystore',
      () => import('@aws-sdk/client-identitystore'),
    );
  } catch (error) {
    checks.push(peerSkipped(name, error as TipError));
    return undefined;
  }
  const instanceId = /:application\/((?:sso)?ins-[^/]+)\//.exec(profile.applicationArn ?? '')?.[1];
  const ids = new store.IdentitystoreClient(adminClientConfig(profile, admin));
  let storeId: string | undefined;
  try {
    const out = await client.send(new sso.ListInstancesCommand({}));
    storeId = out.Instances?.find((i) => i.InstanceArn?.endsWith(`/${instanceId}`))?.IdentityStoreId;
    if (storeId === undefined) {
      checks.push({
        name,
        outcome: 'fail',
        detail: `no IAM Identity Center instance ${instanceId} in this account and region`,
        fix: 'check applicationArn and region',
      });
      return undefined;
    }
    const found = await ids.send(
      new store.GetUserIdCommand({
        IdentityStoreId: storeId,
        AlternateIdentifier: {
          UniqueAttribute: { AttributePath: issuer.attributePath, AttributeValue: value as string },
        },
      }),
    );
    checks.push({
      name,
      outcome: 'pass',
      detail: `${issuer.attributePath} ${JSON.stringify(value)} is user ${found.UserId} in ${storeId}`,
    });
    return found.UserId === undefined ? undefined : { userId: found.UserId, storeId };
  } catch (error) {
    const { error: mapped, refused } = adminFailure(error, 'identitystore', 'GetUserId');
    if (refused) {
      checks.push(adminSkipped(name, [...ACTIONS.user, ...ACTIONS.assignment], mapped));
      return undefined;
    }
    checks.push({
      name,
      outcome: 'fail',
      detail:
        mapped.code === 'ERR_NOT_FOUND'
          ? `no user with ${issuer.attributePath} ${JSON.stringify(value)} in the identity store ${storeId ?? ''}`.trim()
          : `${mapped.code}: ${mapped.message}`,
      fix: `create the user in the identity store, or set IdentityStoreAttributePath of ${issuer.name} to the attribute that holds the \`${issuer.claimPath}\` claim (emails.value or userName)`,
    });
    return undefined;
  } finally {
    ids.destroy();
  }
}

async function checkAssignment(
  profile: ResolvedProfile,
  admin: DoctorAdmin | undefined,
  sso: SsoAdmin,
  client: InstanceType<SsoAdmin['SSOAdminClient']>,
  appArn: string,
  { userId, storeId }: { userId: string; storeId: string },
): Promise<DoctorCheck> {
  const name = NAMES.assignment;
  try {
    const config = await client.send(
      new sso.GetApplicationAssignmentConfigurationCommand({ ApplicationArn: appArn }),
    );
    if (config.AssignmentRequired === false)
      return { name, outcome: 'pass', detail: 'the application does not require assignment' };
    const assignments: { PrincipalId?: string; PrincipalType?: string }[] = [];
    let next: string | undefined;
    do {
      const out = await client.send(
        new sso.ListApplicationAssignmentsCommand({
          ApplicationArn: appArn,
          ...(next ? { NextToken: next } : {}),
        }),
      );
      assignments.push(...(out.ApplicationAssignments ?? []));
      next = out.NextToken;
    } while (next !== undefined && assignments.length < 10_000);
    if (assignments.some((a) => a.PrincipalType === 'USER' && a.PrincipalId === userId))
      return { name, outcome: 'pass', detail: `user ${userId} is assigned to the application` };
    const groups = assignments.filter((a) => a.PrincipalType === 'GROUP').map((a) => a.PrincipalId as string);
    const via = await memberOf(profile, admin, storeId, userId, groups);
    if (via !== undefined)
      return { name, outcome: 'pass', detail: `user ${userId} is assigned through group ${via}` };
    return {
      name,
      outcome: 'fail',
      detail: `user ${userId} is not assigned to the application, directly or through a group, and it requires assignment`,
      fix: 'assign the user (or one of their groups) to the application (sso-admin CreateApplicationAssignment)',
    };
  } catch (error) {
    const { error: mapped, refused } = adminFailure(error, 'sso-admin', 'ListApplicationAssignments');
    if (refused) return adminSkipped(name, ACTIONS.assignment, mapped);
    return {
      name,
      outcome: 'fail',
      detail: `${mapped.code}: ${mapped.message}`,
      fix: 'check applicationArn and region',
    };
  }
}

/** The first of `groupIds` the user is a member of (identitystore IsMemberInGroups, 100 a call). */
async function memberOf(
  profile: ResolvedProfile,
  admin: DoctorAdmin | undefined,
  storeId: string,
  userId: string,
  groupIds: readonly string[],
): Promise<string | undefined> {
  if (groupIds.length === 0) return undefined;
  const store = await loadOptionalPeer(
    '@aws-sdk/client-identitystore',
    () => import('@aws-sdk/client-identitystore'),
  );
  const ids = new store.IdentitystoreClient(adminClientConfig(profile, admin));
  try {
    for (let i = 0; i < groupIds.length; i += 100) {
      const found = await ids.send(
        new store.IsMemberInGroupsCommand({
          IdentityStoreId: storeId,
          MemberId: { UserId: userId },
          GroupIds: groupIds.slice(i, i + 100),
        }),
      );
      const hit = found.Results?.find((r) => r.MembershipExists === true)?.GroupId;
      if (hit !== undefined) return hit;
    }
    return undefined;
  } finally {
    ids.destroy();
  }
}
