/**
 * Tokens for the Redshift drivers (JDBC, ODBC, Python `redshift_connector`) from identity-enhanced
 * credentials: `redshift-serverless GetIdentityCenterAuthToken(workgroupNames)` or
 * `redshift GetIdentityCenterAuthToken(ClusterIds)`, sent by the driver's `IdpTokenAuthPlugin` with
 * `token_type=SUBJECT_TOKEN`. Cached per user and target until shortly before expiry, one call in flight.
 *
 * @module
 */
import { cacheKey } from '../../cache/key.js';
import { TipError, optionError } from '../../errors.js';
import { awsCall } from '../call.js';
import type { ServiceContext } from '../context.js';
import { cacheUser, sdkClientConfig } from '../context.js';
import { redshiftSdk, redshiftServerlessSdk } from './sdk.js';
import type { RedshiftDriverToken, RedshiftHandleOptions, RedshiftTarget } from './types.js';

/** Issues driver tokens for one user. */
export type DriverTokenSource = (
  target: RedshiftTarget & { readonly signal?: AbortSignal },
) => Promise<RedshiftDriverToken>;

/**
 * Creates the cached driver-token source of one user.
 *
 * @param ctx - The user's service context.
 * @param options - Injected clients and the refresh margin.
 */
export function createDriverTokenSource(
  ctx: ServiceContext,
  options: RedshiftHandleOptions,
): DriverTokenSource {
  const before = options.tokenRefreshBeforeExpiryMs ?? 60_000;
  if (!Number.isFinite(before) || before < 0)
    throw optionError('tokenRefreshBeforeExpiryMs', 'must be a non-negative number of milliseconds');
  const memo = ctx.memo<RedshiftDriverToken>('redshift-driver-token', {
    maxEntries: 256,
    clock: ctx.clock,
    refreshBeforeExpiryMs: before,
    expiryMarginMs: Math.min(before, 30_000),
  });
  let cluster = options.redshiftClient;
  let serverless = options.serverlessClient;
  const user = cacheUser(ctx.identity);

  return async (target) => {
    if (typeof target !== 'object' || target === null) throw optionError('driverToken', 'needs a target');
    const { workgroupName, clusterIdentifier } = target;
    if ((workgroupName === undefined) === (clusterIdentifier === undefined))
      throw optionError('workgroupName', 'or `clusterIdentifier` is required, and not both');
    const name = (workgroupName ?? clusterIdentifier) as string;
    if (typeof name !== 'string' || !/^[a-z0-9-]{1,64}$/.test(name))
      throw optionError(
        workgroupName === undefined ? 'clusterIdentifier' : 'workgroupName',
        'must be 1–64 lower-case letters, digits and hyphens',
      );
    const kind = workgroupName === undefined ? 'cluster' : 'workgroup';
    const callerSignal = target.signal ?? ctx.signal;
    // Loaded before the cache is consulted, so a missing package fails every call the same way.
    if (kind === 'workgroup') redshiftServerlessSdk();
    else redshiftSdk();
    return memo.get(
      cacheKey('redshift-driver-token', [user, kind, name]),
      async ({ signal }) => {
        let token: string | undefined;
        let expiration: Date | undefined;
        if (kind === 'workgroup') {
          const { GetIdentityCenterAuthTokenCommand, RedshiftServerlessClient } = redshiftServerlessSdk();
          serverless ??= new RedshiftServerlessClient(sdkClientConfig(ctx));
          const client = serverless;
          const out = await awsCall(
            ctx,
            'redshift-serverless',
            'GetIdentityCenterAuthToken',
            (s) =>
              client.send(new GetIdentityCenterAuthTokenCommand({ workgroupNames: [name] }), {
                abortSignal: s,
              }),
            signal,
          );
          token = out.token;
          expiration = out.expirationTime;
        } else {
          const { GetIdentityCenterAuthTokenCommand, RedshiftClient } = redshiftSdk();
          cluster ??= new RedshiftClient(sdkClientConfig(ctx));
          const client = cluster;
          const out = await awsCall(
            ctx,
            'redshift',
            'GetIdentityCenterAuthToken',
            (s) =>
              client.send(new GetIdentityCenterAuthTokenCommand({ ClusterIds: [name] }), { abortSignal: s }),
            signal,
          );
          token = out.Token;
          expiration = out.ExpirationTime;
        }
        const expiresAt = expiration instanceof Date ? expiration.getTime() : Number.NaN;
        if (
          typeof token !== 'string' ||
          token.length === 0 ||
          !Number.isFinite(expiresAt) ||
          expiresAt <= ctx.clock()
        ) {
          throw new TipError(
            'ERR_SERVICE_RESPONSE_INVALID',
            'GetIdentityCenterAuthToken returned no usable token or expiry; check the endpoint.',
            {
              details: {
                service: kind === 'workgroup' ? 'redshift-serverless' : 'redshift',
                operation: 'GetIdentityCenterAuthToken',
              },
            },
          );
        }
        ctx.logger.debug({ target: kind, name }, 'redshift driver token issued');
        const value: RedshiftDriverToken = Object.freeze({ token, tokenType: 'SUBJECT_TOKEN', expiresAt });
        return { value, expiresAt };
      },
      callerSignal === undefined ? {} : { signal: callerSignal },
    );
  };
}
