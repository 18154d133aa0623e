/**
 * GetDataAccess with a cache: a prefix-walking grant index, READWRITE serving READ and WRITE, one
 * in-flight call per (user, target, permission), a short denial cache, and the owning account looked up
 * once per bucket.
 *
 * @module
 */
import type { GetDataAccessCommandOutput, S3ControlClient } from '@aws-sdk/client-s3-control';
import { cacheKey } from '../../cache/key.js';
import { raceAbort } from '../../aws/abort.js';
import { TipError, isTipError, optionError } from '../../errors.js';
import { awsCall } from '../call.js';
import type { ServiceContext } from '../context.js';
import { cacheUser, sdkClientConfig } from '../context.js';
import { DenialCache, GrantIndex } from './grant-index.js';
import { deniedError, readAccess } from './responses.js';
import { s3ControlSdk } from './sdk.js';
import {
  ACCOUNT,
  INSTANCE_TTL_MS,
  PERMISSIONS,
  duration,
  privilegeOf,
  resolveS3Settings,
} from './settings.js';
import type { DataAccess, GetDataAccessOptions, S3AccessGrants, S3AccessGrantsOptions } from './types.js';
import { formatTarget, parseS3Target, scopeCovers, servingPermissions } from './uri.js';
import type { GrantPermission, S3Target } from './uri.js';

/** The data-access part of the handle. */
export interface DataAccessCache {
  /** Cached GetDataAccess; see {@link S3AccessGrants.getDataAccess}. */
  getDataAccess(options: GetDataAccessOptions): Promise<DataAccess>;
  /** Forgets every grant, denial and instance lookup. */
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
    control ??= new (s3ControlSdk().S3ControlClient)(sdkClientConfig(ctx));
    return control;
  };
  const user = cacheUser(ctx.identity);
  /** GetDataAccess calls in flight per bucket, so a cold burst under one prefix makes one call. */
  const flights = new Map<string, Set<{ permission: GrantPermission; done: Promise<unknown> }>>();

  /** Calls in flight on the same bucket whose permission could serve `permission` (synchronous). */
  function servingFlights(bucket: string, permission: GrantPermission): Promise<unknown>[] {
    const serving = servingPermissions(permission);
    return [...(flights.get(bucket) ?? [])].filter((f) => serving.includes(f.permission)).map((f) => f.done);
  }

  function track(bucket: string, permission: GrantPermission, done: Promise<unknown>): void {
    let set = flights.get(bucket);
    if (set === undefined) {
      set = new Set();
      flights.set(bucket, set);
    }
    const flight = { permission, done };
    set.add(flight);
    const remove = (): void => {
      set.delete(flight);
      if (set.size === 0 && flights.get(bucket) === set) flights.delete(bucket);
    };
    done.then(remove, remove);
  }

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
              new (s3ControlSdk().GetAccessGrantsInstanceForPrefixCommand)({
                AccountId: account,
                S3Prefix: prefix,
              }),
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
        ctx.logger.debug({ bucket: target.bucket, account: owner }, 's3 access grants instance found');
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
    const callerSignal = request.signal ?? ctx.signal;
    // Loaded before any cache is consulted, so a missing package fails every call the same way.
    s3ControlSdk();
    const minimal = privilege === 'Minimal';
    const hit = index.find(target, permission, settings.minRemainingMs, minimal);
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
    // A call in flight on this bucket may return a grant covering this target too: wait for it once.
    const pending = !minimal && memo.peek(key) === undefined ? servingFlights(target.bucket, permission) : [];
    if (pending.length > 0) {
      await raceAbort(Promise.allSettled(pending), callerSignal);
      const late = index.find(target, permission, settings.minRemainingMs);
      if (late !== undefined) {
        ctx.emit({ type: 'data-access', outcome: 'hit', target: text, permission });
        return late;
      }
    }
    const result = memo.get(
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
                new (s3ControlSdk().GetDataAccessCommand)({
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
        ...(callerSignal === undefined ? {} : { signal: callerSignal }),
        minRemainingMs: settings.minRemainingMs,
      },
    );
    if (!minimal) track(target.bucket, permission, result);
    return result;
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
