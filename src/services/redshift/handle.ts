/**
 * The Redshift handle of one user: Data API statements with typed rows, batches, and driver tokens.
 *
 * @module
 */
import type { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import type { ServiceContext, ServiceContextInit } from '../context.js';
import { sdkClientConfig, toServiceContext } from '../context.js';
import { connectRedshift, redshiftPool } from './connect.js';
import { createDriverTokenSource } from './driver-token.js';
import type { WireToken } from './idc-stream.js';
import { runBatch, runStatement } from './query.js';
import { optionError } from '../../errors.js';
import { redshiftDataSdk } from './sdk.js';
import { rowMapping } from '../rows.js';
import type {
  RedshiftHandle,
  RedshiftHandleOptions,
  RedshiftQueryOptions,
  RedshiftQueryResult,
  RedshiftRow,
  RedshiftTarget,
} from './types.js';

/**
 * Creates the Redshift handle of one user. Clients are created on first use and reused.
 *
 * @param context - A service context, or the options to build one.
 * @param options - Injected clients and the driver-token refresh margin.
 * @throws TypeError for a bad option.
 */
export function redshift(
  context: ServiceContext | ServiceContextInit,
  options: RedshiftHandleOptions = {},
): RedshiftHandle {
  const ctx = toServiceContext(context);
  let data = options.dataClient;
  const dataClient = (): RedshiftDataClient => {
    data ??= new (redshiftDataSdk().RedshiftDataClient)(sdkClientConfig(ctx));
    return data;
  };
  const driverToken = createDriverTokenSource(ctx, options);
  /** The token source of a SQL connection: the target's driver token, checked now so a bad target fails early. */
  const tokenFor = (target: RedshiftTarget): (() => Promise<WireToken>) => {
    const named: RedshiftTarget =
      target.workgroupName !== undefined
        ? { workgroupName: target.workgroupName }
        : { clusterIdentifier: target.clusterIdentifier as string };
    if ((target.workgroupName === undefined) === (target.clusterIdentifier === undefined))
      throw optionError('workgroupName', 'or `clusterIdentifier` is required, and not both');
    return async () => {
      const { token, tokenType } = await driverToken(named);
      return { token, tokenType };
    };
  };
  return Object.freeze({
    async query<T = RedshiftRow>(sql: string, queryOptions: RedshiftQueryOptions<T>) {
      const map = rowMapping<RedshiftRow, T>(queryOptions?.mapRow);
      const result = await runStatement(ctx, dataClient(), sql, queryOptions as RedshiftQueryOptions);
      return { ...result, rows: map(result.rows) } satisfies RedshiftQueryResult<T>;
    },
    batch: async (sqls, batchOptions) =>
      runBatch(ctx, dataClient(), sqls, batchOptions as RedshiftQueryOptions),
    driverToken,
    connect: async (connectOptions) =>
      connectRedshift({ ...connectOptions, token: tokenFor(connectOptions) }),
    pool: async (poolOptions) => redshiftPool({ ...poolOptions, token: tokenFor(poolOptions) }),
    dataClient,
  } satisfies RedshiftHandle);
}
