import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecutionStore, type Execution, stateAt } from '../../../src/emulator/athena/executions.js';
import { type AthenaServiceModule, createAthenaService } from '../../../src/emulator/athena/service.js';
import { AwsServiceError } from '../../../src/emulator/core/types.js';
import { IAM_CALLER, call, idcCaller, testRuntime } from './helpers.js';

const runtime = testRuntime();
let athena: AthenaServiceModule;
const alice = idcCaller('alice', ['analysts']);

beforeAll(async () => {
  athena = await createAthenaService(runtime);
});
afterAll(async () => {
  await athena.close?.();
});

const OPERATIONS = [
  'StartQueryExecution',
  'GetQueryExecution',
  'GetQueryResults',
  'StopQueryExecution',
  'GetWorkGroup',
  'ListWorkGroups',
  'ListTagsForResource',
  'ListDatabases',
  'ListTableMetadata',
  'GetTableMetadata',
];

const hostileValue = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    'analysts',
    'plain',
    'primary',
    "'; RESET ROLE; --",
    'AwsDataCatalog',
    'sales',
    '0.x',
    '__proto__',
  ),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }), { maxKeys: 3 }),
);

const hostileInput = fc.record(
  {
    QueryString: fc.oneof(
      hostileValue,
      fc.constantFrom('SELECT 1', 'SELECT ?', 'SET ROLE postgres', 'SELECT * FROM sales.secrets'),
    ),
    WorkGroup: hostileValue,
    QueryExecutionId: hostileValue,
    NextToken: hostileValue,
    MaxResults: hostileValue,
    ExecutionParameters: hostileValue,
    QueryExecutionContext: hostileValue,
    ResultConfiguration: hostileValue,
    ClientRequestToken: hostileValue,
    ResourceARN: hostileValue,
    CatalogName: hostileValue,
    DatabaseName: hostileValue,
    TableName: hostileValue,
  },
  { requiredKeys: [] },
);

describe('hostile input', () => {
  it('answers every operation with an output or an AwsServiceError, never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...OPERATIONS),
        fc.constantFrom(alice, IAM_CALLER),
        hostileInput,
        async (operation, caller, input) => {
          try {
            const out = await call(athena, runtime, caller, operation, input as Record<string, unknown>);
            expect(typeof out).toBe('object');
          } catch (error) {
            expect(error).toBeInstanceOf(AwsServiceError);
          }
        },
      ),
      { numRuns: 150 },
    );
    // The user never ran anything as another role along the way.
    const roles = new Set((await athena.admin.history()).map((h) => h.role));
    for (const role of roles) expect(['AWSIDC:alice', 'athena_iam']).toContain(role);
  });
});

describe('execution state', () => {
  const base = {
    id: 'q',
    query: 'SELECT 1',
    submittedAt: 1000,
    queuedMs: 10,
    runningMs: 20,
    outcome: { kind: 'failed', failure: { category: 2, type: 1000, message: 'x', retryable: false } },
  } as unknown as Execution;

  it('follows the clock and stays cancelled', () => {
    expect(stateAt(base, 1000).state).toBe('QUEUED');
    expect(stateAt(base, 1010).state).toBe('RUNNING');
    expect(stateAt(base, 1030)).toEqual({ state: 'FAILED', completedAt: 1030 });
    expect(stateAt({ ...base, cancelledAt: 1015 }, 5000)).toEqual({ state: 'CANCELLED', completedAt: 1015 });
  });

  it('forgets the oldest executions past its bound', () => {
    const store = new ExecutionStore(2);
    for (const id of ['a', 'b', 'c']) store.add({ ...base, id });
    expect(store.get('a')).toBeUndefined();
    expect(store.get('c')?.id).toBe('c');
  });
});
