/**
 * The Athena handle of one user.
 *
 * @module
 */
import type { AthenaClient } from '@aws-sdk/client-athena';
import type { ServiceContext, ServiceContextInit } from '../context.js';
import { sdkClientConfig, toServiceContext } from '../context.js';
import { resolveQuery, runQuery } from './query.js';
import { athenaSdk } from './sdk.js';
import { rowMapping } from '../rows.js';
import type { AthenaHandle, AthenaQueryOptions, AthenaQueryResult, AthenaRow } from './types.js';

/**
 * Creates the Athena handle of one user. Its `AthenaClient` is created on first use and reused.
 *
 * @param context - A service context, or the options to build one (the user's identity-enhanced
 *   `credentials`, `region`, `clientConfig`).
 * @param options - `client`: an AthenaClient to use instead (it must sign with the user's credentials).
 * @throws TypeError for a bad option.
 */
export function athena(
  context: ServiceContext | ServiceContextInit,
  options: { readonly client?: AthenaClient } = {},
): AthenaHandle {
  const ctx = toServiceContext(context);
  let client = options.client;
  const getClient = (): AthenaClient => {
    client ??= new (athenaSdk().AthenaClient)(sdkClientConfig(ctx));
    return client;
  };
  return Object.freeze({
    async query<T = AthenaRow>(
      sql: string,
      queryOptions: AthenaQueryOptions<T>,
    ): Promise<AthenaQueryResult<T>> {
      const q = resolveQuery(sql, queryOptions);
      const map = rowMapping<AthenaRow, T>(queryOptions.mapRow);
      const rows: T[] = [];
      let columns: AthenaQueryResult['columns'] = [];
      let queryId = '';
      let truncated = false;
      for await (const page of runQuery(ctx, getClient(), q)) {
        queryId = page.queryId;
        columns = page.columns;
        for (const row of map(page.rows)) rows.push(row);
        truncated = page.truncated;
      }
      return { queryId, columns, rows, truncated };
    },
    async *queryPages<T = AthenaRow>(sql: string, queryOptions: AthenaQueryOptions<T>) {
      const q = resolveQuery(sql, queryOptions);
      const map = rowMapping<AthenaRow, T>(queryOptions.mapRow);
      for await (const { truncated: _t, rows, ...page } of runQuery(ctx, getClient(), q))
        yield { ...page, rows: map(rows) };
    },
    client: getClient,
  } satisfies AthenaHandle);
}
