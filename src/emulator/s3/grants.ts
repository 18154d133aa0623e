/**
 * The S3 Access Grants instance of the emulator: configured locations and grants resolved to grantee ids,
 * and the matching rules of `GetDataAccess` / `ListCallerAccessGrants`.
 *
 * Matching: a grant serves a request when its target covers the requested target (a prefix grant covers
 * the keys and sub-prefixes under it; an object grant covers only that object) and its permission serves
 * the requested one (READWRITE serves READ, WRITE and READWRITE; READ and WRITE serve only themselves).
 * When several grants match, the most specific target wins (an exact object, then the longest prefix);
 * ties go to a user grant over a group grant over an IAM grant, then to configuration order.
 */
import type { AccessGrantScope, Caller } from '../core/types.js';
import type { EmulatorConfig } from '../config/types.js';
import {
  coversTarget,
  formatS3Target,
  type LocationScope,
  locationCovers,
  parseLocationScope,
  parseS3Target,
  type S3Target,
  specificity,
} from './s3-uri.js';

/** A grantee as S3 Access Grants reports it. */
export type Grantee = AccessGrantScope['grantee'];
/** A grant permission. */
export type GrantPermission = AccessGrantScope['permission'];

/** A registered location. */
export interface ResolvedLocation {
  readonly id: string;
  readonly scope: LocationScope;
  readonly scopeText: string;
  /** Role S3 Access Grants assumes to vend credentials for grants in this location. */
  readonly iamRoleArn: string;
}

/** A grant with its grantee resolved to an identity store / IAM id and its location. */
export interface ResolvedGrant {
  readonly index: number;
  readonly grantee: Grantee;
  readonly target: S3Target;
  /** The grant scope as configured, e.g. `s3://lake/team-a/*`. */
  readonly targetText: string;
  readonly permission: GrantPermission;
  readonly location: ResolvedLocation;
}

/** The Access Grants instance: one per account and region, id `default`. */
export interface AccessGrantsInstance {
  readonly accountId: string;
  readonly arn: string;
  readonly id: string;
  readonly locations: readonly ResolvedLocation[];
  readonly grants: readonly ResolvedGrant[];
  /** Configured locations and grants left out, with why (they grant nothing). */
  readonly ignored: readonly { readonly path: string; readonly reason: string }[];
}

/** Name of the role assumed for a location without `iamRoleArn`. */
export const DEFAULT_LOCATION_ROLE_NAME = 's3-access-grants-location';

/**
 * Resolves `config.s3.accessGrants`; undefined when no instance is configured. Grants whose grantee or
 * location cannot be resolved are left out (configuration validation reports them), so a mistake never
 * grants more than the configuration says.
 */
export function resolveAccessGrants(config: EmulatorConfig): AccessGrantsInstance | undefined {
  const section = config.s3.accessGrants;
  if (!section) return undefined;
  const accountId = section.accountId ?? config.accountId;
  const locations: ResolvedLocation[] = [];
  const ignored: { path: string; reason: string }[] = [];
  section.locations.forEach((location, k) => {
    const scope = parseLocationScope(location.scope);
    if (!scope) {
      ignored.push({ path: `s3.accessGrants.locations[${k}].scope`, reason: 'not a location scope' });
      return;
    }
    locations.push({
      id: location.id ?? (scope.bucket === undefined ? 'default' : `loc-${String(k + 1).padStart(4, '0')}`),
      scope,
      scopeText: location.scope,
      iamRoleArn: location.iamRoleArn ?? `arn:aws:iam::${accountId}:role/${DEFAULT_LOCATION_ROLE_NAME}`,
    });
  });
  const grants: ResolvedGrant[] = [];
  section.grants.forEach((grant, index) => {
    const path = `s3.accessGrants.grants[${index}]`;
    const parsed = parseS3Target(grant.target);
    if (!parsed.ok) {
      ignored.push({ path: `${path}.target`, reason: parsed.problem });
      return;
    }
    const grantee = resolveGrantee(config, grant.grantee);
    if (!grantee) {
      ignored.push({ path: `${path}.grantee`, reason: 'names no known user, group or IAM principal' });
      return;
    }
    const location = mostSpecificLocation(locations, parsed.target);
    if (!location) {
      ignored.push({ path: `${path}.target`, reason: 'is under no registered location' });
      return;
    }
    grants.push({
      index,
      grantee,
      target: parsed.target,
      targetText: formatS3Target(parsed.target),
      permission: grant.permission,
      location,
    });
  });
  return {
    accountId,
    arn: `arn:aws:s3:${config.region}:${accountId}:access-grants/default`,
    id: 'default',
    locations,
    grants,
    ignored,
  };
}

function resolveGrantee(config: EmulatorConfig, text: string): Grantee | undefined {
  const colon = text.indexOf(':');
  const kind = text.slice(0, colon);
  const name = text.slice(colon + 1);
  if (colon < 0 || name.length === 0) return undefined;
  if (kind === 'user') {
    const user = config.identityCenter.users.find((u) => u.userName === name);
    return user ? { type: 'DIRECTORY_USER', id: user.userId } : undefined;
  }
  if (kind === 'group') {
    const group = config.identityCenter.groups.find((g) => g.name === name);
    return group ? { type: 'DIRECTORY_GROUP', id: group.groupId } : undefined;
  }
  if (kind === 'iam') return name.startsWith('arn:') ? { type: 'IAM', id: name } : undefined;
  return undefined;
}

/** The location that covers `target` most narrowly. */
export function mostSpecificLocation(
  locations: readonly ResolvedLocation[],
  target: S3Target,
): ResolvedLocation | undefined {
  let best: ResolvedLocation | undefined;
  for (const location of locations) {
    if (!locationCovers(location.scope, target)) continue;
    if (!best || locationWeight(location) > locationWeight(best)) best = location;
  }
  return best;
}

function locationWeight(location: ResolvedLocation): number {
  return location.scope.bucket === undefined
    ? -1
    : location.scope.bucket.length + location.scope.prefix.length;
}

/**
 * The grantees a caller acts as. Identity-enhanced sessions act as their IdC user and groups only; other
 * IAM principals as their ARN (the role ARN for role sessions). Access Grants credentials act as nobody.
 */
export function callerGrantees(caller: Caller): Grantee[] {
  if (caller.identityContext) {
    return [
      { type: 'DIRECTORY_USER', id: caller.identityContext.idcUserId },
      ...caller.identityContext.groupIds.map((id): Grantee => ({ type: 'DIRECTORY_GROUP', id })),
    ];
  }
  if (caller.kind === 'access-grants') return [];
  if (caller.kind === 'assumed-role') return caller.roleArn ? [{ type: 'IAM', id: caller.roleArn }] : [];
  return [{ type: 'IAM', id: caller.arn }];
}

/** Whether a grant with permission `granted` serves a request for `requested`. */
export function servesPermission(granted: GrantPermission, requested: GrantPermission): boolean {
  return granted === 'READWRITE' || granted === requested;
}

const GRANTEE_RANK: Record<Grantee['type'], number> = { DIRECTORY_USER: 0, DIRECTORY_GROUP: 1, IAM: 2 };

/** Grants held by any of `grantees`, in configuration order. */
export function grantsOf(instance: AccessGrantsInstance, grantees: readonly Grantee[]): ResolvedGrant[] {
  return instance.grants.filter((grant) =>
    grantees.some((g) => g.type === grant.grantee.type && g.id === grant.grantee.id),
  );
}

/** The grant that serves `target` with `permission` for `grantees`, per the rules above; undefined if none. */
export function matchGrant(
  instance: AccessGrantsInstance,
  grantees: readonly Grantee[],
  target: S3Target,
  permission: GrantPermission,
): ResolvedGrant | undefined {
  let best: ResolvedGrant | undefined;
  for (const grant of grantsOf(instance, grantees)) {
    if (!servesPermission(grant.permission, permission) || !coversTarget(grant.target, target)) continue;
    if (!best || better(grant, best)) best = grant;
  }
  return best;
}

function better(a: ResolvedGrant, b: ResolvedGrant): boolean {
  const bySpecificity = specificity(a.target) - specificity(b.target);
  if (bySpecificity !== 0) return bySpecificity > 0;
  const byGrantee = GRANTEE_RANK[a.grantee.type] - GRANTEE_RANK[b.grantee.type];
  if (byGrantee !== 0) return byGrantee < 0;
  return a.index < b.index;
}
