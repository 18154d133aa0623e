/**
 * What IAM evaluates for each Athena operation: workgroup actions on the workgroup ARN, catalog metadata
 * actions on the data catalog ARN. Query-execution operations are authorized by their handlers on the
 * workgroup the execution belongs to (known only from state).
 */
import type { EmulatorConfig } from '../config/types.js';
import type { IamRequest } from '../core/types.js';

/** Operations whose handler authorizes on the workgroup of the query execution. */
const BY_HANDLER = new Set([
  'StartQueryExecution',
  'GetQueryExecution',
  'GetQueryResults',
  'StopQueryExecution',
]);

/** Operations on the data catalog named by `CatalogName`. */
const ON_CATALOG = new Set(['ListDatabases', 'ListTableMetadata', 'GetTableMetadata']);

/** `arn:aws:athena:<region>:<account>:workgroup/<name>`. */
export function workGroupArn(config: EmulatorConfig, name: string): string {
  return `arn:aws:athena:${config.region}:${config.accountId}:workgroup/${name}`;
}

/** `arn:aws:athena:<region>:<account>:datacatalog/<name>`. */
export function dataCatalogArn(config: EmulatorConfig, name: string): string {
  return `arn:aws:athena:${config.region}:${config.accountId}:datacatalog/${name}`;
}

const text = (value: unknown, fallback: string) => (typeof value === 'string' ? value : fallback);

/** The IAM requests of an Athena operation (see `ServiceModule.iamRequests`). */
export function athenaIamRequests(
  config: EmulatorConfig,
  operation: string,
  input: Record<string, unknown>,
): readonly IamRequest[] | undefined {
  const action = `athena:${operation}`;
  if (BY_HANDLER.has(operation)) return [];
  if (operation === 'GetWorkGroup')
    return [{ action, resource: workGroupArn(config, text(input.WorkGroup, 'primary')) }];
  if (operation === 'ListTagsForResource') return [{ action, resource: text(input.ResourceARN, '*') }];
  if (ON_CATALOG.has(operation))
    return [{ action, resource: dataCatalogArn(config, text(input.CatalogName, 'AwsDataCatalog')) }];
  return undefined;
}
