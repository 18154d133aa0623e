/** Top-level input member types of the Redshift Data API operations served (from its service model). */
import type { JsonMemberType } from '../core/types.js';

const TARGET = {
  ClusterIdentifier: 'string',
  WorkgroupName: 'string',
  SecretArn: 'string',
  DbUser: 'string',
  Database: 'string',
} as const;

const SUBMIT = {
  ...TARGET,
  WithEvent: 'boolean',
  StatementName: 'string',
  Parameters: 'list',
  ClientToken: 'string',
  ResultFormat: 'string',
  SessionKeepAliveSeconds: 'integer',
  SessionId: 'string',
} as const;

/** Input member types per operation. */
export const REDSHIFT_DATA_INPUT_SHAPES: Readonly<Record<string, Readonly<Record<string, JsonMemberType>>>> =
  {
    ExecuteStatement: { Sql: 'string', ...SUBMIT },
    BatchExecuteStatement: { Sqls: 'list', ...SUBMIT },
    DescribeStatement: { Id: 'string' },
    GetStatementResult: { Id: 'string', NextToken: 'string' },
    GetStatementResultV2: { Id: 'string', NextToken: 'string' },
    CancelStatement: { Id: 'string' },
    ListStatements: {
      NextToken: 'string',
      MaxResults: 'integer',
      StatementName: 'string',
      Status: 'string',
      RoleLevel: 'boolean',
      Database: 'string',
      ClusterIdentifier: 'string',
      WorkgroupName: 'string',
    },
  };

/** Redshift Serverless: `GetIdentityCenterAuthToken`. */
export const REDSHIFT_SERVERLESS_INPUT_SHAPES: Readonly<
  Record<string, Readonly<Record<string, JsonMemberType>>>
> = { GetIdentityCenterAuthToken: { workgroupNames: 'list' } };

/** Operations whose handlers authorize on the cluster or workgroup ARN they resolve. */
const BY_HANDLER = new Set(['ExecuteStatement', 'BatchExecuteStatement', 'GetIdentityCenterAuthToken']);

/**
 * The front-level IAM requests of Redshift operations: none for those authorized by their handler on the
 * target's ARN; statement operations (Describe, GetStatementResult, Cancel, List) have no resource type
 * and are evaluated on `*` (the front's default).
 */
export function redshiftIamRequests(operation: string): readonly [] | undefined {
  return BY_HANDLER.has(operation) ? [] : undefined;
}
