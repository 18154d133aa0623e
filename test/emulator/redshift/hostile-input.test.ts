import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AwsServiceError } from '../../../src/emulator/core/types.js';
import { createRedshiftServerlessService } from '../../../src/emulator/redshift/auth-token-service.js';
import { redshiftDataServiceFactory } from '../../../src/emulator/redshift/data-service.js';
import { FakeRunner, fakeBackend } from './helpers/fake-runner.js';
import { call, enhancedCaller, PLAIN_CALLER, testRuntime } from './helpers/runtime.js';

const OPS = [
  'ExecuteStatement',
  'BatchExecuteStatement',
  'DescribeStatement',
  'GetStatementResult',
  'GetStatementResultV2',
  'CancelStatement',
  'ListStatements',
];

/** Values a hostile client can put in a JSON member. */
const member = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(
    fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.record({ name: fc.string({ maxLength: 10 }), value: fc.anything() }),
    ),
    {
      maxLength: 5,
    },
  ),
  fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }), { maxKeys: 3 }),
  fc.constantFrom('analytics', 'warehouse', 'dev', 'prod', 'select current_user', 'JSON', 'CSV', 'ALL'),
);

const input = fc.record(
  {
    Sql: member,
    Sqls: member,
    WorkgroupName: member,
    ClusterIdentifier: member,
    Database: member,
    DbUser: member,
    SecretArn: member,
    Parameters: member,
    Id: member,
    NextToken: member,
    MaxResults: member,
    Status: member,
    RoleLevel: member,
    StatementName: member,
    ResultFormat: member,
    ClientToken: member,
    WithEvent: member,
  },
  { requiredKeys: [] },
);

describe('hostile Data API input', () => {
  it('answers every operation with an output or an AWS error, never a crash', async () => {
    const runtime = testRuntime();
    const module = await redshiftDataServiceFactory({ backend: fakeBackend(new FakeRunner()) })(runtime);
    const callers = [enhancedCaller('alice', ['analysts']), PLAIN_CALLER];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...OPS),
        fc.constantFrom(...callers),
        input,
        async (op, caller, body) => {
          try {
            const out = await call(module, runtime, caller, op, body as Record<string, unknown>);
            expect(typeof out).toBe('object');
          } catch (error) {
            expect(error).toBeInstanceOf(AwsServiceError);
            const e = error as AwsServiceError;
            expect([400, 403, 404]).toContain(e.status);
            expect(e.message.length).toBeLessThan(600);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('answers hostile workgroupNames with an AWS error, never a crash', async () => {
    const runtime = testRuntime();
    const module = await createRedshiftServerlessService(runtime);
    await fc.assert(
      fc.asyncProperty(member, async (names) => {
        try {
          await call(module, runtime, enhancedCaller('bob', []), 'GetIdentityCenterAuthToken', {
            workgroupNames: names,
          });
        } catch (error) {
          expect(error).toBeInstanceOf(AwsServiceError);
        }
      }),
      { numRuns: 200 },
    );
  });
});
