/**
 * The default identity-context allow-list: the actions an identity-enhanced role session may call, after
 * the AWS managed policy `AWSIAMIdentityCenterAllowListForIdentityContext` (a Deny on everything else),
 * reduced to the services the emulator serves plus Glue and Lake Formation, and widened with the Redshift
 * actions (PROTOCOL.md §2 leaves them open; `redshift.allowIdentityEnhanced` removes them when false).
 */

/** Athena query and metadata actions allowed with an identity context. */
export const ATHENA_IDENTITY_CONTEXT_ACTIONS: readonly string[] = [
  'athena:BatchGetNamedQuery',
  'athena:BatchGetPreparedStatement',
  'athena:BatchGetQueryExecution',
  'athena:CreateNamedQuery',
  'athena:CreatePreparedStatement',
  'athena:DeleteNamedQuery',
  'athena:DeletePreparedStatement',
  'athena:GetDatabase',
  'athena:GetDataCatalog',
  'athena:GetNamedQuery',
  'athena:GetPreparedStatement',
  'athena:GetQueryExecution',
  'athena:GetQueryResults',
  'athena:GetQueryResultsStream',
  'athena:GetQueryRuntimeStatistics',
  'athena:GetTableMetadata',
  'athena:GetWorkGroup',
  'athena:ListDatabases',
  'athena:ListDataCatalogs',
  'athena:ListNamedQueries',
  'athena:ListPreparedStatements',
  'athena:ListQueryExecutions',
  'athena:ListTableMetadata',
  'athena:ListWorkGroups',
  'athena:StartQueryExecution',
  'athena:StopQueryExecution',
  'athena:UpdateNamedQuery',
  'athena:UpdatePreparedStatement',
];

/** Glue catalog, Lake Formation and S3 Access Grants actions allowed with an identity context. */
export const CATALOG_IDENTITY_CONTEXT_ACTIONS: readonly string[] = [
  'glue:GetDatabase',
  'glue:GetDatabases',
  'glue:GetPartition',
  'glue:GetPartitions',
  'glue:GetTable',
  'glue:GetTables',
  'glue:GetTableVersion',
  'glue:GetTableVersions',
  'glue:SearchTables',
  'lakeformation:GetDataAccess',
  's3:GetAccessGrantsInstanceForPrefix',
  's3:GetDataAccess',
  's3:ListCallerAccessGrants',
];

/** Redshift actions allowed when `redshift.allowIdentityEnhanced` is true (the default). */
export const REDSHIFT_IDENTITY_CONTEXT_ACTIONS: readonly string[] = [
  'redshift-data:*',
  'redshift:GetIdentityCenterAuthToken',
  'redshift-serverless:GetIdentityCenterAuthToken',
];

/** The default list for a given `redshift.allowIdentityEnhanced`. */
export function defaultIdentityContextAllowList(allowRedshift: boolean): readonly string[] {
  return [
    ...ATHENA_IDENTITY_CONTEXT_ACTIONS,
    ...CATALOG_IDENTITY_CONTEXT_ACTIONS,
    ...(allowRedshift ? REDSHIFT_IDENTITY_CONTEXT_ACTIONS : []),
  ];
}
