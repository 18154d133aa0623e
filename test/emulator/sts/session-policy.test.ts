import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, type AssumeRoleCommandInput, STSClient } from '@aws-sdk/client-sts';
import fc from 'fast-check';
import { anyJsonText } from '../../support/code-points.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsServiceError } from '../../../src/emulator/core/types.js';
import { type RunningEmulator, startEmulator } from '../../../src/emulator/start.js';
import { parsePolicyDocument } from '../../../src/emulator/sts/session-policy.js';
import { ACCOUNT, LONG_ROLE, baseConfig } from '../core/helpers/config.js';

const MANAGED = `arn:aws:iam::${ACCOUNT}:policy/read-team-a`;
const doc = (statement: unknown) => JSON.stringify({ Version: '2012-10-17', Statement: statement });

describe('parsePolicyDocument', () => {
  it('reads the statements it can evaluate', () => {
    expect(
      parsePolicyDocument(
        doc([
          { Sid: 'read', Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::lake/*' },
          {
            Effect: 'Deny',
            Action: 's3:*',
            Resource: '*',
            Condition: { StringLike: { 'aws:PrincipalArn': '*x' } },
          },
        ]),
      ),
    ).toHaveLength(2);
    expect(parsePolicyDocument(JSON.stringify({ Statement: { Effect: 'Allow', Action: '*' } }))).toHaveLength(
      1,
    );
  });

  it.each([
    ['not JSON', '{"Statement":'],
    ['a JSON array', '[]'],
    ['a string', '"Allow"'],
    ['no statement', '{"Version":"2012-10-17"}'],
    ['an empty statement list', doc([])],
    ['an unknown top-level element', JSON.stringify({ Statement: [], Extra: 1 })],
    [
      'an unknown Version',
      JSON.stringify({ Version: '2020-01-01', Statement: { Effect: 'Allow', Action: '*' } }),
    ],
    ['a Principal', doc({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject' })],
    [
      'NotAction (not evaluated, so refused)',
      doc({ Effect: 'Deny', NotAction: 's3:GetObject', Resource: '*' }),
    ],
    ['NotResource', doc({ Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::x/*' })],
    [
      'an unknown condition operator',
      doc({ Effect: 'Deny', Action: '*', Condition: { IpAddress: { 'aws:SourceIp': '1.2.3.4' } } }),
    ],
    ['a bad Effect', doc({ Effect: 'Maybe', Action: '*' })],
    ['an Action that is not service:Action', doc({ Effect: 'Allow', Action: 'GetObject' })],
    ['an Action of another type', doc({ Effect: 'Allow', Action: 42 })],
    ['a prototype key', '{"Statement":{"Effect":"Allow","Action":"*","__proto__":{"x":1}}}'],
    [
      'a prototype key in a condition',
      doc({ Effect: 'Deny', Action: '*', Condition: { StringEquals: JSON.parse('{"__proto__":"x"}') } }),
    ],
    ['too many statements', doc(Array.from({ length: 101 }, () => ({ Effect: 'Allow', Action: '*' })))],
  ])('refuses %s with MalformedPolicyDocument', (_name, text) => {
    let thrown: unknown;
    try {
      parsePolicyDocument(text);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AwsServiceError);
    expect(thrown).toMatchObject({ code: 'MalformedPolicyDocument', status: 400 });
  });

  it('never throws anything but MalformedPolicyDocument on any text', () => {
    const statement = fc.record(
      {
        Effect: fc.constantFrom('Allow', 'Deny', 'x'),
        Action: fc.oneof(fc.string(), fc.array(fc.string())),
        Resource: fc.oneof(fc.string(), fc.array(fc.string())),
        Condition: fc.anything(),
        Principal: fc.anything(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          anyJsonText(),
          statement.map((s) => doc(s)),
          fc.array(statement).map((s) => doc(s)),
        ),
        (text) => {
          try {
            expect(Array.isArray(parsePolicyDocument(text))).toBe(true);
          } catch (error) {
            expect(error).toBeInstanceOf(AwsServiceError);
            expect((error as AwsServiceError).code).toBe('MalformedPolicyDocument');
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('AssumeRole with session policies', () => {
  let emu: RunningEmulator;
  let sts: STSClient;
  beforeAll(async () => {
    emu = await startEmulator(
      baseConfig({
        managedPolicies: [
          {
            arn: MANAGED,
            statements: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::lake/team-a/*' }],
          },
        ],
        s3: { buckets: [{ name: 'lake', objects: { 'team-a/r.csv': 'a', 'team-b/n.txt': 'b' } }] },
      }),
      { quiet: true, idp: false, services: { 'redshift-data': false, athena: false } },
    );
    sts = new STSClient(emu.clientConfig());
  });
  afterAll(async () => {
    sts.destroy();
    await emu.stop();
  });

  async function s3As(input: Omit<AssumeRoleCommandInput, 'RoleArn' | 'RoleSessionName'>) {
    const out = await sts.send(
      new AssumeRoleCommand({ RoleArn: LONG_ROLE, RoleSessionName: 'scoped', ...input }),
    );
    const c = out.Credentials!;
    return {
      packed: out.PackedPolicySize,
      s3: new S3Client(
        emu.clientConfig({
          service: 's3',
          credentials: {
            accessKeyId: c.AccessKeyId!,
            secretAccessKey: c.SecretAccessKey!,
            sessionToken: c.SessionToken!,
          },
        }),
      ),
    };
  }
  const outcome = (p: Promise<unknown>) =>
    p.then(
      () => 'ok',
      (e: { name: string }) => e.name,
    );
  const read = (s3: S3Client, Key: string) => outcome(s3.send(new GetObjectCommand({ Bucket: 'lake', Key })));

  it('gives the intersection of the role (allow all) and an inline session policy', async () => {
    const { s3, packed } = await s3As({
      Policy: doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::lake/team-a/*' }),
    });
    expect(packed).toBeGreaterThan(0);
    expect(await read(s3, 'team-a/r.csv')).toBe('ok');
    expect(await read(s3, 'team-b/n.txt')).toBe('AccessDenied');
    expect(await outcome(s3.send(new PutObjectCommand({ Bucket: 'lake', Key: 'team-a/x', Body: 'x' })))).toBe(
      'AccessDenied',
    );
    s3.destroy();
  });

  it('lets an explicit Deny of the session policy win over the role', async () => {
    const { s3 } = await s3As({
      Policy: doc([
        { Effect: 'Allow', Action: 's3:*', Resource: '*' },
        { Effect: 'Deny', Action: 's3:GetObject', Resource: 'arn:aws:s3:::lake/team-a/*' },
      ]),
    });
    expect(await read(s3, 'team-a/r.csv')).toBe('AccessDenied');
    expect(await read(s3, 'team-b/n.txt')).toBe('ok');
    s3.destroy();
  });

  it('evaluates PolicyArns naming a configured managed policy, and refuses an unknown one', async () => {
    const { s3 } = await s3As({ PolicyArns: [{ arn: MANAGED }] });
    expect(await read(s3, 'team-a/r.csv')).toBe('ok');
    expect(await read(s3, 'team-b/n.txt')).toBe('AccessDenied');
    s3.destroy();
    const unknown = await outcome(
      sts.send(
        new AssumeRoleCommand({
          RoleArn: LONG_ROLE,
          RoleSessionName: 'scoped',
          PolicyArns: [{ arn: `arn:aws:iam::${ACCOUNT}:policy/none` }],
        }),
      ),
    );
    expect(unknown).toBe('ValidationError');
  });

  it('refuses a malformed or oversized inline policy', async () => {
    const assume = (Policy: string) =>
      outcome(sts.send(new AssumeRoleCommand({ RoleArn: LONG_ROLE, RoleSessionName: 'scoped', Policy })));
    expect(await assume('{"Statement": [')).toBe('MalformedPolicyDocumentException');
    expect(
      await assume(
        doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${'x'.repeat(2048)}` }),
      ),
    ).toBe('ValidationError');
  });
});
