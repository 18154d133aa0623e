/**
 * Lookup of the configured Redshift targets: Serverless workgroups and provisioned clusters, each with
 * its databases and the IdC namespace of its identity provider.
 */
import { createHash } from 'node:crypto';
import type { RedshiftTargetConfig } from '../config/types.js';
import type { EmulatorRuntime } from '../core/types.js';

/** Default IdC namespace of a target's identity provider (`CREATE IDENTITY PROVIDER … NAMESPACE 'AWSIDC'`). */
export const DEFAULT_IDC_NAMESPACE = 'AWSIDC';

/** A configured target, named the way the Data API names it. */
export interface RedshiftTarget {
  /** `workgroup` for Redshift Serverless, `cluster` for a provisioned cluster. */
  readonly kind: 'workgroup' | 'cluster';
  /** Workgroup name or cluster identifier. */
  readonly name: string;
  /** IdC namespace, default {@link DEFAULT_IDC_NAMESPACE}. */
  readonly namespace: string;
  readonly config: RedshiftTargetConfig;
}

/** Key naming a target in maps and tokens: `workgroup/<name>` or `cluster/<name>`. */
export function targetKey(target: Pick<RedshiftTarget, 'kind' | 'name'>): string {
  return `${target.kind}/${target.name}`;
}

function toTarget(config: RedshiftTargetConfig): RedshiftTarget | undefined {
  const namespace = config.idcNamespace ?? DEFAULT_IDC_NAMESPACE;
  if (config.workgroupName !== undefined) {
    return { kind: 'workgroup', name: config.workgroupName, namespace, config };
  }
  if (config.clusterIdentifier !== undefined) {
    return { kind: 'cluster', name: config.clusterIdentifier, namespace, config };
  }
  return undefined;
}

/** Every configured target, in configuration order. */
export function listTargets(runtime: EmulatorRuntime): RedshiftTarget[] {
  const out: RedshiftTarget[] = [];
  for (const config of runtime.config.redshift.targets) {
    const target = toTarget(config);
    if (target) out.push(target);
  }
  return out;
}

/**
 * The target of that kind and name; undefined when none is configured. Workgroup names compare exactly;
 * cluster identifiers without regard to case (Redshift stores them in lower case, as the configuration must).
 */
export function findTarget(
  runtime: EmulatorRuntime,
  kind: RedshiftTarget['kind'],
  name: string,
): RedshiftTarget | undefined {
  const wanted = kind === 'cluster' ? name.toLowerCase() : name;
  return listTargets(runtime).find((t) => t.kind === kind && t.name === wanted);
}

/**
 * The ARN of a target, for audit records: `arn:aws:redshift-serverless:<region>:<acct>:workgroup/<name>`
 * or `arn:aws:redshift:<region>:<acct>:cluster:<name>`.
 */
export function targetArn(runtime: EmulatorRuntime, target: Pick<RedshiftTarget, 'kind' | 'name'>): string {
  const { region, accountId } = runtime.config;
  return target.kind === 'workgroup'
    ? `arn:aws:redshift-serverless:${region}:${accountId}:workgroup/${target.name}`
    : `arn:aws:redshift:${region}:${accountId}:cluster:${target.name}`;
}

/**
 * The ARN `redshift:GetClusterCredentials` authorizes for database user `dbUser` of a cluster:
 * `arn:aws:redshift:<region>:<acct>:dbuser:<cluster>/<dbUser>`.
 */
export function dbUserArn(
  runtime: EmulatorRuntime,
  target: Pick<RedshiftTarget, 'name'>,
  dbUser: string,
): string {
  const { region, accountId } = runtime.config;
  return `arn:aws:redshift:${region}:${accountId}:dbuser:${target.name}/${dbUser}`;
}

/**
 * The internal SQL schema of Redshift schema `schema` of `database` on `target`:
 * `rs_<kind>_<name>_<database>_<schema>` squeezed to letters, digits and underscores, plus a short digest so
 * distinct triples never share a schema. At most 63 bytes.
 */
export function schemaFor(
  target: Pick<RedshiftTarget, 'kind' | 'name'>,
  database: string,
  schema: string,
): string {
  const digest = createHash('sha256')
    .update(`${target.kind}\0${target.name}\0${database}\0${schema}`)
    .digest('hex')
    .slice(0, 8);
  const readable = `rs_${target.kind === 'workgroup' ? 'wg' : 'cl'}_${target.name}_${database}_${schema}`
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .slice(0, 50);
  return `${readable}_${digest}`;
}

/** Internal schema of the Redshift compatibility functions (`GETDATE`, `NVL`, `LEN`), last on every search path. */
export const COMPAT_SCHEMA = 'rs_compat';
