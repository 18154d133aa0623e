/**
 * `tip-sdk doctor`'s service checks, made as the signed-in user (the identity-enhanced credentials of the
 * profile): the Redshift workgroup or cluster (`GetIdentityCenterAuthToken`), the Athena workgroup
 * (`GetWorkGroup`: it exists, is enabled and has IAM Identity Center enabled) and the S3 location
 * (`GetDataAccess`: an S3 Access Grant of the user or one of their groups covers it).
 *
 * @module
 */
import { Agent } from 'node:http';
import type { LookupFunction } from 'node:net';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { mapAwsError } from '../aws/map-error.js';
import { isTipError, type TipError } from '../errors.js';
import { athenaSdk } from '../services/athena/sdk.js';
import { s3ControlSdk } from '../services/s3/sdk.js';
import { peerSkipped } from './doctor-admin.js';
import type { DoctorCheck } from './doctor.js';
import type { ResolvedProfile } from './profile.js';

/** What the service checks need: the profile, the user's credentials and the user's account. */
export interface ServiceCheckContext {
  readonly profile: ResolvedProfile;
  readonly credentials: AwsCredentialIdentityProvider;
  /** The account of the user's role session (from GetCallerIdentity), for S3 Access Grants. */
  readonly accountId: string | undefined;
  /** The one-line fix of a failure with `code`. */
  readonly fixFor: (code: string) => string;
}

function clientConfig(ctx: ServiceCheckContext) {
  return {
    region: ctx.profile.region,
    maxAttempts: 1,
    credentials: ctx.credentials,
    ...(ctx.profile.endpoint === undefined ? {} : { endpoint: ctx.profile.endpoint }),
  };
}

function asTipError(error: unknown, service: string, operation: string): TipError {
  return isTipError(error) ? error : mapAwsError(error, { service, operation });
}

/** The Redshift driver token check, when the profile names a workgroup or cluster. */
export async function checkRedshift(ctx: ServiceCheckContext): Promise<DoctorCheck | undefined> {
  const { profile } = ctx;
  if (profile.workgroupName === undefined && profile.clusterIdentifier === undefined) return undefined;
  const name = 'Redshift driver token';
  try {
    const { redshift } = await import('../services/redshift/handle.js');
    const handle = redshift({
      credentials: ctx.credentials,
      region: profile.region,
      clientConfig: profile.endpoint === undefined ? {} : { endpoint: profile.endpoint },
    });
    const token = await handle.driverToken(
      profile.workgroupName === undefined
        ? { clusterIdentifier: profile.clusterIdentifier as string }
        : { workgroupName: profile.workgroupName },
    );
    return {
      name,
      outcome: 'pass',
      detail: `GetIdentityCenterAuthToken for ${profile.workgroupName ?? profile.clusterIdentifier}, until ${new Date(token.expiresAt).toISOString()}`,
    };
  } catch (error) {
    const mapped = asTipError(error, 'redshift', 'GetIdentityCenterAuthToken');
    if (mapped.code === 'ERR_MISSING_DEPENDENCY') return peerSkipped(name, mapped);
    return {
      name,
      outcome: 'fail',
      detail: `${mapped.code}: ${mapped.message}`,
      fix: ctx.fixFor(mapped.code),
    };
  }
}

/** The Athena workgroup check, when the profile names one (`athenaWorkGroup`). */
export async function checkAthena(ctx: ServiceCheckContext): Promise<DoctorCheck | undefined> {
  const workGroup = ctx.profile.athenaWorkGroup;
  if (workGroup === undefined) return undefined;
  const name = 'Athena workgroup';
  let sdk: ReturnType<typeof athenaSdk>;
  try {
    sdk = athenaSdk();
  } catch (error) {
    return peerSkipped(name, error as TipError);
  }
  const client = new sdk.AthenaClient(clientConfig(ctx));
  try {
    const out = await client.send(new sdk.GetWorkGroupCommand({ WorkGroup: workGroup }));
    const group = out.WorkGroup;
    if (group?.State !== 'ENABLED')
      return {
        name,
        outcome: 'fail',
        detail: `${workGroup} is ${group?.State ?? 'in no state'}`,
        fix: `enable the workgroup: aws athena update-work-group --work-group ${workGroup} --state ENABLED`,
      };
    if (group.Configuration?.IdentityCenterConfiguration?.EnableIdentityCenter !== true)
      return {
        name,
        outcome: 'fail',
        detail: `${workGroup} is not IAM Identity Center enabled`,
        fix: 'create the workgroup with IAM Identity Center enabled (an existing workgroup cannot be switched)',
      };
    return {
      name,
      outcome: 'pass',
      detail: `${workGroup}: enabled, IAM Identity Center enabled${group.Configuration.EngineVersion?.EffectiveEngineVersion ? `, ${group.Configuration.EngineVersion.EffectiveEngineVersion}` : ''}`,
    };
  } catch (error) {
    const mapped = asTipError(error, 'athena', 'GetWorkGroup');
    const missing = mapped.code === 'ERR_NOT_FOUND' || /not found|does not exist/i.test(mapped.message);
    return {
      name,
      outcome: 'fail',
      detail: missing
        ? `no workgroup ${workGroup} in ${ctx.profile.region}`
        : `${mapped.code}: ${mapped.message}`,
      fix: missing
        ? `create the IAM Identity Center enabled workgroup ${workGroup}, or correct athenaWorkGroup`
        : "allow athena:GetWorkGroup on the workgroup in the access role's policy",
    };
  } finally {
    client.destroy();
  }
}

/**
 * S3 Control puts the account id in front of the host (`123456789012.<endpoint host>`), which an IPv4
 * endpoint cannot take: a loopback endpoint `http://127.0.0.1:PORT` (the emulator) becomes
 * `http://localhost:PORT`, its account-prefixed names resolved to 127.0.0.1.
 */
function s3ControlConfig(ctx: ServiceCheckContext): Record<string, unknown> {
  const config = clientConfig(ctx);
  const endpoint = ctx.profile.endpoint === undefined ? undefined : new URL(ctx.profile.endpoint);
  if (endpoint?.hostname !== '127.0.0.1') return config;
  endpoint.hostname = 'localhost';
  const lookup: LookupFunction = (_host, options, callback) => {
    if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
    else callback(null, '127.0.0.1', 4);
  };
  return {
    ...config,
    endpoint: endpoint.toString().replace(/\/$/, ''),
    requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ lookup }) }),
  };
}

/** Splits `s3://bucket/prefix` into the GetDataAccess target `s3://bucket/prefix*`. */
function grantTarget(location: string): string {
  return location.endsWith('*') ? location : `${location.replace(/\/$/, '')}/*`;
}

/** The S3 Access Grants check, when the profile names a location (`s3Location`). */
export async function checkS3AccessGrants(ctx: ServiceCheckContext): Promise<DoctorCheck | undefined> {
  const location = ctx.profile.s3Location;
  if (location === undefined) return undefined;
  const name = 'S3 Access Grants';
  if (ctx.accountId === undefined)
    return { name, outcome: 'skip', detail: 'not checked: the caller identity names no account' };
  let sdk: ReturnType<typeof s3ControlSdk>;
  try {
    sdk = s3ControlSdk();
  } catch (error) {
    return peerSkipped(name, error as TipError);
  }
  const client = new sdk.S3ControlClient(s3ControlConfig(ctx));
  const target = grantTarget(location);
  try {
    const out = await client.send(
      new sdk.GetDataAccessCommand({
        AccountId: ctx.accountId,
        Target: target,
        Permission: 'READ',
        DurationSeconds: 900,
      }),
    );
    return {
      name,
      outcome: 'pass',
      detail: `READ on ${location} through the grant on ${out.MatchedGrantTarget ?? '(unnamed)'}`,
    };
  } catch (error) {
    const mapped = asTipError(error, 's3-control', 'GetDataAccess');
    const denied = mapped.code === 'ERR_ACCESS_DENIED' || mapped.code === 'ERR_NOT_FOUND';
    return {
      name,
      outcome: 'fail',
      detail: denied
        ? `no S3 Access Grant gives the user READ on ${location} (${mapped.code})`
        : `${mapped.code}: ${mapped.message}`,
      fix: denied
        ? `create an access grant for the user (or one of their groups) on a registered location covering ${location}: aws s3control create-access-grant --grantee GranteeType=DIRECTORY_USER,…`
        : ctx.fixFor(mapped.code),
    };
  } finally {
    client.destroy();
  }
}
