/**
 * The Redshift handle of one user: Data API statements with typed rows, batches, and driver tokens.
 *
 * @module
 */
import type { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import type { ServiceContext, ServiceContextInit } from '../context.js';
import { sdkClientConfig, toServiceContext } from '../context.js';
import { createDriverTokenSource } from './driver-token.js';
import { runBatch, runStatement } from './query.js';
import { redshiftDataSdk } from './sdk.js';
import { rowMapping } from '../rows.js';
import type {
  RedshiftHandle,
  RedshiftHandleOptions,
  RedshiftQueryOptions,
  RedshiftQueryResult,
  RedshiftRow,
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
  return Object.freeze({
    async query<T = RedshiftRow>(sql: string, queryOptions: RedshiftQueryOptions<T>) {
      const map = rowMapping<RedshiftRow, T>(queryOptions?.mapRow);
      const result = await runStatement(ctx, dataClient(), sql, queryOptions as RedshiftQueryOptions);
      return { ...result, rows: map(result.rows) } satisfies RedshiftQueryResult<T>;
    },
    batch: async (sqls, batchOptions) =>
      runBatch(ctx, dataClient(), sqls, batchOptions as RedshiftQueryOptions),
    driverToken,
    dataClient,
  } satisfies RedshiftHandle);
}
