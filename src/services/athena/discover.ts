/**
 * Discovery of the IAM Identity Center application and access role from an Athena workgroup, by the
 * Athena drivers' convention: the workgroup's tag `AthenaDriverOidcAppArn` names the application, and
 * the application's tag of the same name names the access role.
 *
 * Runs with the service's own credentials (not a user's). Athena tags are read with
 * `athena:ListTagsForResource`; application tags live in `sso-admin ListTagsForResource`, for which
 * tip-sdk ships no client: pass `applicationTags`, e.g. with `@aws-sdk/client-sso-admin`:
 * `(arn) => ssoAdmin.send(new ListTagsForResourceCommand({ InstanceArn, ResourceArn: arn }))`, where
 * `InstanceArn` is the IAM Identity Center instance (`arn:aws:sso:::instance/ssoins-…`).
 *
 * @module
 */
import type { AthenaClientConfig } from '@aws-sdk/client-athena';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { STSClientConfig } from '@aws-sdk/client-sts';
import type { AwsClientConfig } from '../../aws/clients.js';
import { callWithRetry, resolveRetry } from '../../aws/retry.js';
import { TipError, optionError } from '../../errors.js';
import { athenaSdk } from './sdk.js';

/** The tag key both the workgroup and the application carry. */
export const ATHENA_DRIVER_TAG = 'AthenaDriverOidcAppArn';

const APP_ARN = /^arn:aws[a-z-]*:sso::\d{12}:application\/ssoins-[a-z0-9]{16}\/apl-[a-z0-9]{16}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

/** Tags as a list (AWS shape) or a record. */
export type TagSet =
  | readonly {
      /** Tag key. */
      readonly Key?: string;
      /** Tag value. */
      readonly Value?: string;
    }[]
  | Readonly<Record<string, string>>;

/** Options of {@link discoverFromWorkGroup}. */
export interface DiscoverFromWorkGroupOptions {
  /** The workgroup name. Required. */
  readonly workGroup: string;
  /** The region. Required. */
  readonly region: string;
  /** Reads the tags of an IAM Identity Center application (sso-admin ListTagsForResource). Required. */
  readonly applicationTags: (applicationArn: string, signal: AbortSignal | undefined) => Promise<TagSet>;
  /** The workgroup's account. Default: STS GetCallerIdentity with the same credentials. */
  readonly accountId?: string;
  /** Client settings (the service's own credentials, endpoint…). Default `{}`. */
  readonly clientConfig?: AwsClientConfig;
  /** Aborts the lookups. */
  readonly signal?: AbortSignal;
}

/** What {@link discoverFromWorkGroup} finds. */
export interface DiscoveredTrust {
  /** The IAM Identity Center customer-managed application ARN. */
  readonly applicationArn: string;
  /** The role to assume with the identity context. */
  readonly accessRoleArn: string;
}

function tagValue(tags: TagSet | undefined, key: string): string | undefined {
  if (tags === undefined || tags === null) return undefined;
  if (Array.isArray(tags))
    return (tags as { Key?: string; Value?: string }[]).find((t) => t?.Key === key)?.Value;
  const value = (tags as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : undefined;
}

function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

function missing(what: string): TipError {
  return new TipError(
    'ERR_NOT_FOUND',
    `${what} has no ${ATHENA_DRIVER_TAG} tag: tag the workgroup with the IAM Identity Center application ARN, and the application with the access role ARN.`,
    {
      details: { service: 'athena', reason: 'missing_tag' },
    },
  );
}

function malformed(what: string): TipError {
  return new TipError(
    'ERR_SERVICE_RESPONSE_INVALID',
    `The ${ATHENA_DRIVER_TAG} tag of ${what} is not a valid ARN.`,
    {
      details: { service: 'athena', reason: 'malformed_tag' },
    },
  );
}

/**
 * Finds the application and access role an IdC-enabled workgroup is set up for.
 *
 * @throws TypeError for bad options; TipError `ERR_NOT_FOUND` for a missing tag,
 *   `ERR_SERVICE_RESPONSE_INVALID` for a malformed one, and mapped AWS errors.
 */
export async function discoverFromWorkGroup(options: DiscoverFromWorkGroupOptions): Promise<DiscoveredTrust> {
  if (typeof options?.workGroup !== 'string' || !/^[a-zA-Z0-9._-]{1,128}$/.test(options.workGroup))
    throw optionError('workGroup', 'must be an Athena workgroup name');
  if (typeof options.region !== 'string' || options.region.length === 0)
    throw optionError('region', 'is required');
  if (typeof options.applicationTags !== 'function')
    throw optionError('applicationTags', 'must be a function reading sso-admin ListTagsForResource');
  if (options.accountId !== undefined && !/^\d{12}$/.test(options.accountId))
    throw optionError('accountId', 'must be a 12-digit account id');
  const { AthenaClient, ListTagsForResourceCommand } = athenaSdk();
  const config: Record<string, unknown> = {
    ...(options.clientConfig ?? {}),
    region: options.region,
    maxAttempts: 1,
  };
  const retry = resolveRetry(undefined);
  const { signal } = options;
  let account = options.accountId;
  if (account === undefined) {
    const sts = new STSClient(config as STSClientConfig);
    const who = await callWithRetry(
      { service: 'sts', operation: 'GetCallerIdentity' },
      (s) => sts.send(new GetCallerIdentityCommand({}), { abortSignal: s }),
      retry,
      signal,
    );
    account = who.Account;
    if (account === undefined || !/^\d{12}$/.test(account)) throw optionError('accountId', 'is required');
  }
  const arn = `arn:${partitionOf(options.region)}:athena:${options.region}:${account}:workgroup/${options.workGroup}`;
  const client = new AthenaClient(config as AthenaClientConfig);
  const tags = await callWithRetry(
    { service: 'athena', operation: 'ListTagsForResource' },
    (s) => client.send(new ListTagsForResourceCommand({ ResourceARN: arn }), { abortSignal: s }),
    retry,
    signal,
  );
  const applicationArn = tagValue(tags.Tags, ATHENA_DRIVER_TAG);
  if (applicationArn === undefined) throw missing(`Workgroup ${options.workGroup}`);
  if (!APP_ARN.test(applicationArn)) throw malformed(`workgroup ${options.workGroup}`);
  let appTags: TagSet;
  try {
    appTags = await options.applicationTags(applicationArn, signal);
  } catch (error) {
    throw new TipError('ERR_AWS_UNKNOWN', 'Reading the application tags failed; see cause.', {
      cause: error,
      details: { service: 'sso-admin', operation: 'ListTagsForResource' },
    });
  }
  const accessRoleArn = tagValue(appTags, ATHENA_DRIVER_TAG);
  if (accessRoleArn === undefined) throw missing(`Application ${applicationArn}`);
  if (!ROLE_ARN.test(accessRoleArn)) throw malformed(`application ${applicationArn}`);
  return Object.freeze({ applicationArn, accessRoleArn });
}
