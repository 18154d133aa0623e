import type { AthenaWorkGroupConfig, EmulatorConfig } from '../config/types.js';
import { AwsServiceError } from '../core/types.js';
import { invalidRequest } from './errors.js';
import { workGroupArn } from './iam.js';

/** A workgroup with every default resolved. */
export interface WorkGroup {
  readonly name: string;
  readonly arn: string;
  readonly identityCenter: boolean;
  readonly identityCenterInstanceArn: string | undefined;
  readonly outputLocation: string;
  readonly engineVersion: string;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * The workgroups of the configuration plus `primary` (every account has it; here without Identity Center
 * unless configured). A workgroup without an output location uses the console's default bucket
 * `s3://aws-athena-query-results-<account>-<region>/`.
 */
export function resolveWorkGroups(config: EmulatorConfig): Map<string, WorkGroup> {
  const list: AthenaWorkGroupConfig[] = [...config.athena.workGroups];
  if (!list.some((w) => w.name === 'primary')) list.unshift({ name: 'primary' });
  const map = new Map<string, WorkGroup>();
  for (const w of list) {
    const idc = w.identityCenter === true;
    map.set(w.name, {
      name: w.name,
      arn: workGroupArn(config, w.name),
      identityCenter: idc,
      identityCenterInstanceArn: idc
        ? (w.identityCenterInstanceArn ?? config.identityCenter.instanceArn)
        : undefined,
      outputLocation:
        w.outputLocation ?? `s3://aws-athena-query-results-${config.accountId}-${config.region}/`,
      engineVersion: w.engineVersion ?? (idc ? 'Trino engine version 3' : 'Athena engine version 3'),
      tags: w.tags ?? {},
    });
  }
  return map;
}

/** The workgroup named by `WorkGroup` (default `primary`), or `InvalidRequestException`. */
export function workGroupOf(groups: ReadonlyMap<string, WorkGroup>, value: unknown): WorkGroup {
  if (value !== undefined && (typeof value !== 'string' || !/^[a-zA-Z0-9._-]{1,128}$/.test(value))) {
    throw invalidRequest('WorkGroup must be 1..128 letters, digits, periods, underscores or hyphens.');
  }
  const name = (value as string | undefined) ?? 'primary';
  const group = groups.get(name);
  if (!group) throw invalidRequest(`WorkGroup ${name} is not found.`);
  return group;
}

/** `EngineVersion` structure. */
export function engineVersion(group: WorkGroup): {
  SelectedEngineVersion: string;
  EffectiveEngineVersion: string;
} {
  return { SelectedEngineVersion: group.engineVersion, EffectiveEngineVersion: group.engineVersion };
}

/** `GetWorkGroup` output. */
export function workGroupOutput(group: WorkGroup, createdAt: Date): object {
  return {
    WorkGroup: {
      Name: group.name,
      State: 'ENABLED',
      Description: group.identityCenter ? 'Identity Center enabled workgroup' : '',
      CreationTime: createdAt,
      Configuration: {
        ResultConfiguration: { OutputLocation: group.outputLocation },
        EnforceWorkGroupConfiguration: group.identityCenter,
        PublishCloudWatchMetricsEnabled: false,
        RequesterPaysEnabled: false,
        EngineVersion: engineVersion(group),
        EnableMinimumEncryptionConfiguration: false,
        IdentityCenterConfiguration: {
          EnableIdentityCenter: group.identityCenter,
          ...(group.identityCenterInstanceArn
            ? { IdentityCenterInstanceArn: group.identityCenterInstanceArn }
            : {}),
        },
      },
    },
  };
}

/** `ListWorkGroups` output (all workgroups on one page; `MaxResults` 1..50 is validated). */
export function listWorkGroupsOutput(
  groups: ReadonlyMap<string, WorkGroup>,
  input: Record<string, unknown>,
  createdAt: Date,
): object {
  const max = input.MaxResults;
  if (max !== undefined && (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 50)) {
    throw invalidRequest('MaxResults must be an integer from 1 to 50.');
  }
  const all = [...groups.values()];
  const start = input.NextToken === undefined ? 0 : pageStart(input.NextToken, all.length);
  const size = (max as number | undefined) ?? 50;
  const page = all.slice(start, start + size);
  return {
    WorkGroups: page.map((g) => ({
      Name: g.name,
      State: 'ENABLED',
      Description: '',
      CreationTime: createdAt,
      EngineVersion: engineVersion(g),
    })),
    ...(start + size < all.length ? { NextToken: `wg-${start + size}` } : {}),
  };
}

function pageStart(token: unknown, length: number): number {
  const m = typeof token === 'string' ? /^wg-(\d{1,6})$/.exec(token) : null;
  const start = m ? Number(m[1]) : Number.NaN;
  if (!(start >= 0 && start <= length)) throw invalidRequest('NextToken is not valid for this request.');
  return start;
}

/** `ListTagsForResource` output for a workgroup ARN. */
export function listTagsOutput(
  groups: ReadonlyMap<string, WorkGroup>,
  input: Record<string, unknown>,
): object {
  const arn = input.ResourceARN;
  if (typeof arn !== 'string' || arn.length === 0 || arn.length > 1011) {
    throw invalidRequest('ResourceARN must be a 1..1011-character string.');
  }
  const group = [...groups.values()].find((g) => g.arn === arn);
  if (!group) {
    throw new AwsServiceError(
      'ResourceNotFoundException',
      `Resource ${arn.slice(0, 256)} was not found.`,
      400,
      {
        ResourceName: arn.slice(0, 256),
      },
    );
  }
  return { Tags: Object.entries(group.tags).map(([Key, Value]) => ({ Key, Value })) };
}
