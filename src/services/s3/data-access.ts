/**
 * GetDataAccess with a cache: a prefix-walking grant index, READWRITE serving READ and WRITE, one
 * in-flight call per (user, target, permission), a short denial cache, and the owning account looked up
 * once per bucket.
 *
 * @module
 */
import {
  GetAccessGrantsInstanceForPrefixCommand,
  GetDataAccessCommand,
  S3ControlClient,
} from '@aws-sdk/client-s3-control';
import type { GetDataAccessCommandOutput } from '@aws-sdk/client-s3-control';
import { cacheKey } from '../../cache/key.js';
import { TipError, isTipError, optionError } from '../../errors.js';
import { awsCall } from '../call.js';
import type { ServiceContext } from '../context.js';
import { sdkClientConfig } from '../context.js';
import { DenialCache, GrantIndex } from './grant-index.js';
import type { DataAccess, GetDataAccessOptions, S3AccessGrantsOptions } from './types.js';
import { formatTarget, invalidScope, parseS3Target, scopeCovers, validScope } from './uri.js';
import type { GrantPermission, S3Target } from './uri.js';

const PERMISSIONS: readonly GrantPermission[] = ['READ', 'WRITE', 'READWRITE'];
const ACCOUNT = /^\d{12}$/;
/** How long an instance lookup is trusted, in ms. */
const INSTANCE_TTL_MS = 3_600_000;

/** The resolved settings of a data-access cache. */
interface Settings {
  readonly durationSeconds: number;
  readonly privilege: 'Default' | 'Minimal';
  readonly deniedTtlMs: number;
  readonly minRemainingMs: number;
  readonly maxEntries: number;
}

function nonNegative(path: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw optionError(path, 'must be a non-negative finite number');
  return value;
}

function duration(path: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 900 || value > 43_200)
    throw optionError(path, 'must be a whole number of seconds from 900 to 43200');
  return value;
}

function privilegeOf(path: string, value: unknown, fallback: 'Default' | 'Minimal'): 'Default' | 'Minimal' {
  if (value === undefined) return fallback;
  if (value !== 'Default' && value !== 'Minimal') throw optionError(path, "must be 'Default' or 'Minimal'");
  return value;
}

/** Validates handle options. @throws TypeError */
export function resolveS3Settings(options: S3AccessGrantsOptions): Settings {
  if (options.accountId !== undefined && !ACCOUNT.test(options.accountId))
    throw optionError('s3.accountId', 'must be a 12-digit AWS account id');
  if (options.instanceAccountId !== undefined && !ACCOUNT.test(options.instanceAccountId))
    throw optionError('s3.instanceAccountId', 'must be a 12-digit AWS account id');
  const maxEntries = nonNegative('s3.maxEntries', options.maxEntries, 1_000);
  if (maxEntries < 1) throw optionError('s3.maxEntries', 'must be at least 1');
  return {
    durationSeconds: duration('s3.durationSeconds', options.durationSeconds, 3_600),
    privilege: privilegeOf('s3.privilege', options.privilege, 'Default'),
    deniedTtlMs: nonNegative('s3.deniedTtlMs', options.deniedTtlMs, 30_000),
    minRemainingMs: nonNegative('s3.minRemainingMs', options.minRemainingMs, 60_000),
    maxEntries,
  };
}

function deniedError(target: string, permission: GrantPermission, cause?: unknown): TipError {
  const base = isTipError(cause) ? cause : undefined;
  return new TipError(
    'ERR_ACCESS_DENIED',
    `S3 Access Grants gives this user no ${permission} grant covering ${target}: add a grant for the user or one of their groups.`,
    {
      cause,
      details: {
        ...(base?.details ?? {}),
        service: 's3-control',
        operation: 'GetDataAccess',
        target,
        permission,
      },
      ...(base?.requestId === undefined ? {} : { requestId: base.requestId }),
    },
  );
}

function readAccess(
  out: GetDataAccessCommandOutput,
  target: S3Target,
  permission: GrantPermission,
  privilege: 'Default' | 'Minimal',
): DataAccess {
  const c = out.Credentials;
  const expiration = c?.Expiration;
  if (
    typeof c?.AccessKeyId !== 'string' ||
    typeof c.SecretAccessKey !== 'string' ||
    typeof c.SessionToken !== 'string' ||
    !(expiration instanceof Date) ||
    Number.isNaN(expiration.getTime())
  ) {
    throw new TipError(
      'ERR_SERVICE_RESPONSE_INVALID',
      'GetDataAccess returned no complete credentials; check the S3 Control endpoint.',
      { details: { service: 's3-control', operation: 'GetDataAccess' } },
    );
  }
  if (!validScope(out.MatchedGrantTarget)) throw invalidScope();
  const matched = out.MatchedGrantTarget;
  const grantee =
    typeof out.Grantee?.GranteeType === 'string' && typeof out.Grantee.GranteeIdentifier === 'string'
      ? { type: out.Grantee.GranteeType, id: out.Grantee.GranteeIdentifier }
      : undefined;
  return Object.freeze({
    // Not frozen: SDK clients annotate the credentials object they are given.
    credentials: {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration,
    },
    scope: privilege === 'Minimal' ? formatTarget(target) : matched,
    matchedGrantTarget: matched,
    permission,
    grantee,
    expiresAt: expiration.getTime(),
  });
}

/** The data-access part of the handle. */
export interface DataAccessCache {
  getDataAccess(options: GetDataAccessOptions): Promise<DataAccess>;
  clear(): void;
}

/**
 * Builds the cached GetDataAccess of one user.
 *
 * @param ctx - The user's service context.
 * @param options - Handle options (validated by {@link resolveS3Settings}).
 */
export function createDataAccessCache(ctx: ServiceContext, options: S3AccessGrantsOptions): DataAccessCache {
  const settings = resolveS3Settings(options);
  const index = new GrantIndex(settings.maxEntries, ctx.clock);
  const denials = new DenialCache(settings.deniedTtlMs, settings.maxEntries, ctx.clock);
  const memo = ctx.memo<DataAccess>('s3-data-access', {
    maxEntries: settings.maxEntries,
    clock: ctx.clock,
    expiryMarginMs: 0,
  });
  const instances = ctx.memo<string>('s3-instance-account', { maxEntries: 1_000, clock: ctx.clock });
  let control: S3ControlClient | undefined = options.s3ControlClient;
  const controlClient = (): S3ControlClient => {
    control ??= new S3ControlClient(sdkClientConfig(ctx));
    return control;
  };
  const user = ctx.identity.idcUserId ?? ctx.identity.subject;

  async function callerAccount(): Promise<string> {
    const fromOptions = options.accountId;
    if (fromOptions !== undefined) return fromOptions;
    const credentials = await ctx.credentials();
    if (typeof credentials.accountId === 'string' && ACCOUNT.test(credentials.accountId))
      return credentials.accountId;
    throw optionError('s3.accountId', 'is required: the credentials do not name their account');
  }

  function instanceAccount(target: S3Target, signal: AbortSignal): Promise<string> {
    if (options.instanceAccountId !== undefined) return Promise.resolve(options.instanceAccountId);
    return instances.get(
      cacheKey('s3-instance', [target.bucket]),
      async ({ signal: loadSignal }) => {
        const account = await callerAccount();
        const prefix = formatTarget(target).replace(/\*$/, '');
        const out = await awsCall(
          ctx,
          's3-control',
          'GetAccessGrantsInstanceForPrefix',
          (s) =>
            controlClient().send(
              new GetAccessGrantsInstanceForPrefixCommand({ AccountId: account, S3Prefix: prefix }),
              { abortSignal: s },
            ),
          loadSignal,
        );
        const owner = /^arn:[^:]+:s3:[^:]*:(\d{12}):access-grants\//.exec(
          out.AccessGrantsInstanceArn ?? '',
        )?.[1];
        if (owner === undefined) {
          throw new TipError(
            'ERR_SERVICE_RESPONSE_INVALID',
            'GetAccessGrantsInstanceForPrefix returned no usable instance ARN; set `instanceAccountId`.',
            { details: { service: 's3-control', operation: 'GetAccessGrantsInstanceForPrefix' } },
          );
        }
        ctx.logger.debug('s3 access grants instance found', { bucket: target.bucket, account: owner });
        return { value: owner, expiresAt: ctx.clock() + INSTANCE_TTL_MS };
      },
      { signal },
    );
  }

  async function getDataAccess(request: GetDataAccessOptions): Promise<DataAccess> {
    if (typeof request !== 'object' || request === null) throw optionError('getDataAccess', 'needs options');
    const target = parseS3Target(request.target);
    const permission = request.permission;
    if (!PERMISSIONS.includes(permission))
      throw optionError('permission', 'must be READ, WRITE or READWRITE');
    const privilege = privilegeOf('privilege', request.privilege, settings.privilege);
    const seconds = duration('durationSeconds', request.durationSeconds, settings.durationSeconds);
    const text = formatTarget(target);
    const hit = index.find(target, permission, settings.minRemainingMs);
    if (hit !== undefined) {
      ctx.emit({ type: 'data-access', outcome: 'hit', target: text, permission });
      return hit;
    }
    const denialKey = `${permission} ${text}`;
    if (denials.has(denialKey)) {
      ctx.emit({ type: 'data-access', outcome: 'denied-cached', target: text, permission });
      throw deniedError(text, permission);
    }
    const key = cacheKey('s3-data-access', [user, permission, privilege, String(seconds), text]);
    return memo.get(
      key,
      async ({ signal }) => {
        ctx.emit({ type: 'data-access', outcome: 'miss', target: text, permission });
        const account = await instanceAccount(target, signal);
        let out: GetDataAccessCommandOutput;
        try {
          out = await awsCall(
            ctx,
            's3-control',
            'GetDataAccess',
            (s) =>
              controlClient().send(
                new GetDataAccessCommand({
                  AccountId: account,
                  Target: text,
                  Permission: permission,
                  Privilege: privilege,
                  DurationSeconds: seconds,
                  ...(target.prefix ? {} : { TargetType: 'Object' as const }),
                }),
                { abortSignal: s },
              ),
            signal,
          );
        } catch (error) {
          if (isTipError(error, 'ERR_ACCESS_DENIED')) {
            denials.add(denialKey);
            throw deniedError(text, permission, error);
          }
          throw error;
        }
        const access = readAccess(out, target, permission, privilege);
        // Index only scopes that truly cover the request: a wrong answer must never widen reuse.
        if (scopeCovers(access.scope, target)) index.add(access);
        return { value: access, expiresAt: access.expiresAt };
      },
      {
        ...(request.signal === undefined ? {} : { signal: request.signal }),
        minRemainingMs: settings.minRemainingMs,
      },
    );
  }

  return {
    getDataAccess,
    clear() {
      index.clear();
      denials.clear();
      memo.clear();
      instances.clear();
    },
  };
}
