/** Top-level input member types of the Athena operations served (from the Athena service model). */
import type { JsonMemberType } from '../core/types.js';

const LIST_PAGE = { NextToken: 'string', MaxResults: 'integer' } as const;

/** Input member types per operation. */
export const ATHENA_INPUT_SHAPES: Readonly<Record<string, Readonly<Record<string, JsonMemberType>>>> = {
  StartQueryExecution: {
    QueryString: 'string',
    ClientRequestToken: 'string',
    QueryExecutionContext: 'structure',
    ResultConfiguration: 'structure',
    WorkGroup: 'string',
    ExecutionParameters: 'list',
    ResultReuseConfiguration: 'structure',
    EngineConfiguration: 'structure',
  },
  GetQueryExecution: { QueryExecutionId: 'string' },
  GetQueryResults: { QueryExecutionId: 'string', QueryResultType: 'string', ...LIST_PAGE },
  StopQueryExecution: { QueryExecutionId: 'string' },
  GetWorkGroup: { WorkGroup: 'string' },
  ListWorkGroups: LIST_PAGE,
  ListTagsForResource: { ResourceARN: 'string', ...LIST_PAGE },
  ListDatabases: { CatalogName: 'string', WorkGroup: 'string', ...LIST_PAGE },
  ListTableMetadata: {
    CatalogName: 'string',
    DatabaseName: 'string',
    Expression: 'string',
    WorkGroup: 'string',
    ...LIST_PAGE,
  },
  GetTableMetadata: {
    CatalogName: 'string',
    DatabaseName: 'string',
    TableName: 'string',
    WorkGroup: 'string',
  },
};
