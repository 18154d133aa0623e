import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { anyJsonValue } from '../../support/code-points.js';
import { describe, expect, it } from 'vitest';
import { loadEmulatorConfig, validateEmulatorConfig } from '../../../src/emulator/config/validate.js';
import { isTipError } from '../../../src/errors.js';
import { APP_ARN, baseConfig } from './helpers/config.js';

type Input = Record<string, unknown>;

function configError(input: unknown): { path: unknown; message: string } {
  try {
    validateEmulatorConfig(input);
  } catch (err) {
    if (!isTipError(err, 'ERR_EMULATOR_CONFIG')) throw err;
    return { path: err.details.path, message: err.message };
  }
  throw new Error('expected an ERR_EMULATOR_CONFIG');
}

function mutate(change: (c: Input) => void): Input {
  const c = structuredClone(baseConfig()) as unknown as Input;
  change(c);
  return c;
}

const ic = (c: Input) =>
  c.identityCenter as Input & {
    users: Input[];
    groups: Input[];
    trustedTokenIssuers: Input[];
    applications: Input[];
  };

describe('validateEmulatorConfig', () => {
  it('fills every default, derives stable ids and freezes the result', () => {
    const a = validateEmulatorConfig(baseConfig());
    const b = validateEmulatorConfig(baseConfig());
    expect(a).toEqual(b);
    expect(a.region).toBe('us-east-1');
    expect(a.maxClockSkewSeconds).toBe(900);
    expect(a.maxBodyBytes).toBe(1024 * 1024);
    expect(a.identityCenter.identityStoreId).toMatch(/^d-[0-9a-f]{10}$/);
    expect(a.identityCenter.users[0]!.userId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(a.identityCenter.users[0]!.userId).not.toBe(a.identityCenter.users[1]!.userId);
    expect(a.identityCenter.trustedTokenIssuers[0]).toMatchObject({
      claimAttributePath: 'email',
      identityStoreAttributePath: 'emails.value',
    });
    expect(a.identityCenter.trustedTokenIssuers[0]!.arn).toMatch(
      /^arn:aws:sso::123456789012:trustedTokenIssuer\/ssoins-1111222233334444\/tti-/,
    );
    expect(a.identityCenter.applications[0]).toMatchObject({
      name: 'apl-aaaabbbbccccdddd',
      refreshToken: true,
      assignmentRequired: true,
      tokenLifetimeSeconds: 3600,
    });
    expect(a.roles[1]!.permissions).toEqual([{ Effect: 'Allow', Action: '*', Resource: '*' }]);
    expect(a.roles[1]!.maxSessionDuration).toBe(3600);
    expect(a.identityContextAllowList).toContain('redshift-data:*');
    expect(a.athena).toEqual({
      workGroups: [],
      tables: [],
      grants: [],
      maxPageSize: 1000,
      queuedMs: 0,
      runningMs: 20,
    });
    expect(a.redshift).toEqual({
      targets: [],
      allowIdentityEnhanced: true,
      authTokenLifetimeSeconds: 900,
      maxPageSize: 1000,
      submittedMs: 0,
      pickedMs: 0,
      runningMs: 0,
    });
    expect(a.identityCenter.applications[0]!.refreshReturnsIdentityContext).toBe(true);
    expect(a.idp).toEqual({ port: 0, audience: 'tip-sdk-demo', accessTokenTtlSeconds: 600, clients: [] });
    expect(a.sts).toEqual({ expiredContextError: 'InvalidContextAssertion' });
    expect(Object.isFrozen(a)).toBe(true);
    expect(Object.isFrozen(a.identityCenter.users[0])).toBe(true);
  });

  it('checks the data sections and their references', () => {
    const ok = validateEmulatorConfig(
      baseConfig({
        athena: {
          workGroups: [{ name: 'analysts', identityCenter: true, outputLocation: 's3://results/athena/' }],
          tables: [
            {
              name: 'sales.orders',
              columns: [
                { name: 'id', type: 'integer' },
                { name: 'region', type: 'varchar' },
              ],
              rows: [[1, 'eu']],
            },
          ],
          grants: [
            {
              principal: 'group:analysts',
              table: 'sales.orders',
              columns: ['id'],
              rowFilter: "region = 'eu'",
            },
          ],
        },
        redshift: {
          targets: [
            {
              workgroupName: 'wg-one',
              databases: [
                {
                  name: 'dev',
                  tables: [{ name: 'public.t', columns: [{ name: 'a', type: 'int' }], rows: [] }],
                  grants: [{ principal: 'user:alice', table: 'public.t' }],
                },
              ],
            },
          ],
        },
        s3: {
          buckets: [{ name: 'lake', objects: { 'team-a/x.csv': 'a,b' } }],
          accessGrants: {
            locations: [{ scope: 's3://lake/' }],
            grants: [{ grantee: 'group:analysts', target: 's3://lake/team-a/*', permission: 'READ' }],
          },
        },
      }),
    );
    expect(ok.redshift.targets[0]).toMatchObject({ idcNamespace: 'AWSIDC' });
    expect(ok.redshift.targets[0]!.databases[0]!.grants[0]!.privileges).toEqual(['SELECT']);
    expect(ok.s3.accessGrants?.accountId).toBe('123456789012');
  });

  it.each<[string, (c: Input) => void, string]>([
    ['not an object', () => {}, ''],
    [
      'unknown top-level key',
      (c) => {
        c.regoin = 'x';
      },
      'regoin',
    ],
    [
      'bad region',
      (c) => {
        c.region = 'mars';
      },
      'region',
    ],
    [
      'bad account',
      (c) => {
        c.accountId = '1234';
      },
      'accountId',
    ],
    [
      'missing identityCenter',
      (c) => {
        c.identityCenter = undefined;
      },
      'identityCenter',
    ],
    [
      'no users',
      (c) => {
        ic(c).users = [];
      },
      'identityCenter.users',
    ],
    [
      'user in an unknown group',
      (c) => {
        ic(c).users[0]!.groups = ['nobody'];
      },
      'identityCenter.users[0].groups[0]',
    ],
    [
      'duplicate user',
      (c) => {
        ic(c).users[1]!.userName = 'alice';
      },
      'identityCenter.users[1]',
    ],
    [
      'bad email',
      (c) => {
        ic(c).users[0]!.email = 'alice';
      },
      'identityCenter.users[0].email',
    ],
    [
      'bad application ARN',
      (c) => {
        ic(c).applications[0]!.arn = 'arn:aws:sso::123456789012:application/x';
      },
      'identityCenter.applications[0].arn',
    ],
    [
      'application of another instance',
      (c) => {
        ic(c).applications[0]!.arn = APP_ARN.replace('1111222233334444', '9999222233334444');
      },
      'identityCenter.applications[0].arn',
    ],
    [
      'unknown TTI in an app',
      (c) => {
        (ic(c).applications[0]!.jwtBearer as Input).authorizedTokenIssuers = [
          { tokenIssuer: 'nope', audiences: ['a'] },
        ];
      },
      'identityCenter.applications[0].jwtBearer.authorizedTokenIssuers[0].tokenIssuer',
    ],
    [
      'eleven audiences',
      (c) => {
        (ic(c).applications[0]!.jwtBearer as Input).authorizedTokenIssuers = [
          { tokenIssuer: 'local', audiences: Array.from({ length: 11 }, (_, i) => `a${i}`) },
        ];
      },
      'identityCenter.applications[0].jwtBearer.authorizedTokenIssuers[0].audiences',
    ],
    [
      'no audiences',
      (c) => {
        (ic(c).applications[0]!.jwtBearer as Input).authorizedTokenIssuers = [
          { tokenIssuer: 'local', audiences: [] },
        ];
      },
      'identityCenter.applications[0].jwtBearer.authorizedTokenIssuers[0].audiences',
    ],
    [
      'assignment of an unknown user',
      (c) => {
        ic(c).applications[0]!.assignments = { users: ['zed'] };
      },
      'identityCenter.applications[0].assignments.users[0]',
    ],
    [
      'TTI with a file URL',
      (c) => {
        ic(c).trustedTokenIssuers[0]!.issuerUrl = 'file:///etc/passwd';
      },
      'identityCenter.trustedTokenIssuers[0].issuerUrl',
    ],
    [
      'TTI claim path too deep',
      (c) => {
        ic(c).trustedTokenIssuers[0]!.claimAttributePath = 'a.b.c.d';
      },
      'identityCenter.trustedTokenIssuers[0].claimAttributePath',
    ],
    [
      'bad store attribute',
      (c) => {
        ic(c).trustedTokenIssuers[0]!.identityStoreAttributePath = 'name.givenName';
      },
      'identityCenter.trustedTokenIssuers[0].identityStoreAttributePath',
    ],
    [
      'bad role ARN',
      (c) => {
        (c.roles as Input[])[0]!.arn = 'arn:aws:iam::123456789012:user/x';
      },
      'roles[0].arn',
    ],
    [
      'empty trust policy',
      (c) => {
        (c.roles as Input[])[0]!.trustPolicy = [];
      },
      'roles[0].trustPolicy',
    ],
    [
      'bad Effect',
      (c) => {
        ((c.roles as Input[])[0]!.trustPolicy as Input[])[0]!.Effect = 'Maybe';
      },
      'roles[0].trustPolicy[0].Effect',
    ],
    [
      'trust without Principal',
      (c) => {
        ((c.roles as Input[])[0]!.trustPolicy as Input[])[0]!.Principal = undefined;
      },
      'roles[0].trustPolicy[0].Principal',
    ],
    [
      'unknown condition operator',
      (c) => {
        ((c.roles as Input[])[3]!.trustPolicy as Input[])[0]!.Condition = { NumericLessThan: { x: '1' } };
      },
      'roles[3].trustPolicy[0].Condition.NumericLessThan',
    ],
    [
      'max session too long',
      (c) => {
        (c.roles as Input[])[0]!.maxSessionDuration = 50_000;
      },
      'roles[0].maxSessionDuration',
    ],
    [
      'duplicate role',
      (c) => {
        (c.roles as Input[])[1]!.arn = (c.roles as Input[])[0]!.arn;
      },
      'roles[1]',
    ],
    [
      'no callers',
      (c) => {
        c.callers = [];
      },
      'callers',
    ],
    [
      'session-style caller key',
      (c) => {
        (c.callers as Input[])[0]!.accessKeyId = 'ASIAXXXXXXXXXXXXXXXX';
      },
      'callers[0].accessKeyId',
    ],
    [
      'short secret',
      (c) => {
        (c.callers as Input[])[0]!.secretAccessKey = 'short';
      },
      'callers[0].secretAccessKey',
    ],
    [
      'Principal in a permission policy',
      (c) => {
        (c.callers as Input[])[1]!.permissions = [{ Effect: 'Allow', Action: '*', Principal: '*' }];
      },
      'callers[1].permissions[0].Principal',
    ],
    [
      'bad action',
      (c) => {
        (c.callers as Input[])[1]!.permissions = [{ Effect: 'Allow', Action: 'not an action' }];
      },
      'callers[1].permissions[0].Action',
    ],
    [
      'athena grant on an unknown table',
      (c) => {
        c.athena = { workGroups: [], tables: [], grants: [{ principal: 'user:alice', table: 'a.b' }] };
      },
      'athena.grants[0].table',
    ],
    [
      'athena grant to an unknown group',
      (c) => {
        c.athena = {
          workGroups: [],
          tables: [{ name: 'a.b', columns: [{ name: 'x', type: 'int' }], rows: [] }],
          grants: [{ principal: 'group:ghosts', table: 'a.b' }],
        };
      },
      'athena.grants[0].principal',
    ],
    [
      'row of the wrong width',
      (c) => {
        c.athena = {
          workGroups: [],
          tables: [{ name: 'a.b', columns: [{ name: 'x', type: 'int' }], rows: [[1, 2]] }],
          grants: [],
        };
      },
      'athena.tables[0].rows[0]',
    ],
    [
      'redshift target with both names',
      (c) => {
        c.redshift = { targets: [{ workgroupName: 'wg-one', clusterIdentifier: 'c1', databases: [] }] };
      },
      'redshift.targets[0]',
    ],
    [
      'redshift bad privilege',
      (c) => {
        c.redshift = {
          targets: [
            {
              workgroupName: 'wg-one',
              databases: [
                {
                  name: 'dev',
                  tables: [{ name: 'public.t', columns: [{ name: 'a', type: 'int' }], rows: [] }],
                  grants: [{ principal: 'user:alice', table: 'public.t', privileges: ['DROP'] }],
                },
              ],
            },
          ],
        };
      },
      'redshift.targets[0].databases[0].grants[0].privileges[0]',
    ],
    [
      'bad bucket name',
      (c) => {
        c.s3 = { buckets: [{ name: 'Bad_Bucket' }] };
      },
      's3.buckets[0].name',
    ],
    [
      'grant outside every location',
      (c) => {
        c.s3 = {
          buckets: [],
          accessGrants: {
            locations: [{ scope: 's3://lake/a/' }],
            grants: [{ grantee: 'user:alice', target: 's3://other/x/*', permission: 'READ' }],
          },
        };
      },
      's3.accessGrants.grants[0].target',
    ],
    [
      'bad grant permission',
      (c) => {
        c.s3 = {
          buckets: [],
          accessGrants: {
            locations: [{ scope: 's3://' }],
            grants: [{ grantee: 'user:alice', target: 's3://lake/x/*', permission: 'ALL' }],
          },
        };
      },
      's3.accessGrants.grants[0].permission',
    ],
    [
      'grant target without a key or prefix (s3://lake)',
      (c) => {
        c.s3 = {
          buckets: [],
          accessGrants: {
            locations: [{ scope: 's3://' }],
            grants: [{ grantee: 'user:alice', target: 's3://lake', permission: 'READ' }],
          },
        };
      },
      's3.accessGrants.grants[0].target',
    ],
    [
      'grant target with an inner *',
      (c) => {
        c.s3 = {
          buckets: [],
          accessGrants: {
            locations: [{ scope: 's3://' }],
            grants: [{ grantee: 'user:alice', target: 's3://lake/a*b/*', permission: 'READ' }],
          },
        };
      },
      's3.accessGrants.grants[0].target',
    ],
    [
      'grant target with a .. segment',
      (c) => {
        c.s3 = {
          buckets: [],
          accessGrants: {
            locations: [{ scope: 's3://' }],
            grants: [{ grantee: 'user:alice', target: 's3://lake/team-a/../team-b/*', permission: 'READ' }],
          },
        };
      },
      's3.accessGrants.grants[0].target',
    ],
    [
      'grant target with a . segment',
      (c) => {
        c.s3 = {
          buckets: [],
          accessGrants: {
            locations: [{ scope: 's3://' }],
            grants: [{ grantee: 'user:alice', target: 's3://lake/./team-b/*', permission: 'READ' }],
          },
        };
      },
      's3.accessGrants.grants[0].target',
    ],
    [
      'object grant target with an empty key',
      (c) => {
        c.s3 = {
          buckets: [],
          accessGrants: {
            locations: [{ scope: 's3://' }],
            grants: [{ grantee: 'user:alice', target: 's3://lake/', permission: 'READ' }],
          },
        };
      },
      's3.accessGrants.grants[0].target',
    ],
    [
      'grant in another bucket whose name starts with the location bucket',
      (c) => {
        c.s3 = {
          buckets: [],
          accessGrants: {
            locations: [{ scope: 's3://lake' }],
            grants: [{ grantee: 'user:alice', target: 's3://lake2/x/*', permission: 'READ' }],
          },
        };
      },
      's3.accessGrants.grants[0].target',
    ],
    [
      'grant in another bucket that starts with the location scope text',
      (c) => {
        c.s3 = {
          buckets: [],
          accessGrants: {
            locations: [{ scope: 's3://lake/team' }],
            grants: [{ grantee: 'user:alice', target: 's3://lake-team/x/*', permission: 'READ' }],
          },
        };
      },
      's3.accessGrants.grants[0].target',
    ],
    [
      'location scope with an inner *',
      (c) => {
        c.s3 = {
          buckets: [],
          accessGrants: {
            locations: [{ scope: 's3://lake/a*/x/' }],
            grants: [{ grantee: 'user:alice', target: 's3://lake/a/x/*', permission: 'READ' }],
          },
        };
      },
      's3.accessGrants.locations[0].scope',
    ],
    [
      'location scope with a .. segment',
      (c) => {
        c.s3 = {
          buckets: [],
          accessGrants: {
            locations: [{ scope: 's3://lake/a/../b/' }],
            grants: [{ grantee: 'user:alice', target: 's3://lake/b/*', permission: 'READ' }],
          },
        };
      },
      's3.accessGrants.locations[0].scope',
    ],
    [
      'bad allow-list entry',
      (c) => {
        c.identityContextAllowList = ['everything'];
      },
      'identityContextAllowList[0]',
    ],
    [
      'bad sts choice',
      (c) => {
        c.sts = { expiredContextError: 'Nope' };
      },
      'sts.expiredContextError',
    ],
    [
      'negative port',
      (c) => {
        c.port = -1;
      },
      'port',
    ],
    [
      'prototype key in tags',
      (c) => {
        (c.roles as Input[])[0]!.tags = JSON.parse('{"__proto__": "x"}');
      },
      'roles[0].tags.__proto__',
    ],
  ])('rejects %s, naming the path', (label, change, path) => {
    const input = label === 'not an object' ? 'config' : mutate(change);
    const err = configError(input);
    expect(err.path).toBe(path);
    if (path) expect(err.message).toContain(`\`${path}\``);
  });

  it('keeps secrets out of error messages', () => {
    const err = configError(
      mutate((c) => {
        (c.callers as Input[])[0]!.secretAccessKey = 'has spaces in the secret value';
      }),
    );
    expect(err.message).not.toContain('has spaces in the secret value');
  });

  it('throws only ERR_EMULATOR_CONFIG on arbitrary JSON', () => {
    fc.assert(
      fc.property(anyJsonValue({ maxDepth: 4 }), (value) => {
        try {
          validateEmulatorConfig(value);
        } catch (err) {
          expect(isTipError(err, 'ERR_EMULATOR_CONFIG')).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('throws only ERR_EMULATOR_CONFIG on mutated valid configs', () => {
    const base = JSON.stringify(baseConfig());
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: base.length - 1 }),
        anyJsonValue({ maxDepth: 2 }),
        (at, value) => {
          // Replace one JSON value position with an arbitrary value; keep only inputs that still parse.
          const text = `${base.slice(0, at)}${JSON.stringify(value)}${base.slice(at)}`;
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            return;
          }
          try {
            validateEmulatorConfig(parsed);
          } catch (err) {
            expect(isTipError(err, 'ERR_EMULATOR_CONFIG')).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('turns hostile objects (throwing getters) into the config error', () => {
    const hostile = {
      get identityCenter() {
        throw new Error('boom');
      },
    };
    expect(configError(hostile).path).toBe('');
  });
});

describe('loadEmulatorConfig', () => {
  it('loads JSON files and reports unreadable or invalid ones', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tip-config-'));
    try {
      await writeFile(join(dir, 'ok.json'), JSON.stringify(baseConfig()));
      await writeFile(join(dir, 'bad.json'), '{ not json');
      expect((await loadEmulatorConfig(join(dir, 'ok.json'))).accountId).toBe('123456789012');
      await expect(loadEmulatorConfig(join(dir, 'bad.json'))).rejects.toMatchObject({
        code: 'ERR_EMULATOR_CONFIG',
        details: { reason: 'not_json' },
      });
      await expect(loadEmulatorConfig(join(dir, 'missing.json'))).rejects.toMatchObject({
        code: 'ERR_EMULATOR_CONFIG',
        details: { reason: 'unreadable' },
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('validates the shipped example config', async () => {
    const config = await loadEmulatorConfig(
      new URL('../../../examples/emulator.config.json', import.meta.url).pathname,
    );
    expect(config.identityCenter.users.length).toBeGreaterThanOrEqual(2);
  });
});
