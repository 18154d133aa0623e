/**
 * Conformance: `tip-sdk emulator`, started through its real CLI, driven by clients we did not write —
 * the machine's python3 boto3/botocore and the aws CLI — for both demo users: every CreateTokenWithIAM
 * grant, AssumeRole with ProvidedContexts, Athena, the Redshift Data API, both GetIdentityCenterAuthToken
 * operations, GetDataAccess and S3 (get, put, list, copy, delete, multipart, `aws s3 cp/rm`), and the
 * refusals, checked against botocore's service models (required members, types, timestamp formats).
 * The checks are Python (test/conformance/python); this file runs them and reports each one.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLUSTER,
  DOCS_KEY,
  type EmulatorProcess,
  MANAGED_POLICY_ARN,
  PORTAL_ARN,
  ROOT,
  conformanceConfig,
  startEmulatorProcess,
  userTokens,
  writeJson,
} from './setup.js';

interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  readonly error?: string;
  readonly trace?: string;
}

const perUser = (user: string, grant: string, other: string) => [
  `${user}: CreateTokenWithIAM jwt-bearer answers the model shape with an identity context`,
  `${user}: CreateTokenWithIAM refresh_token answers a new identity context`,
  `${user}: CreateTokenWithIAM token-exchange of another application's IdC token`,
  `${user}: CreateTokenWithIAM authorization_code refuses an unknown code (InvalidGrantException 400)`,
  `${user}: AssumeRole with ProvidedContexts and GetCallerIdentity of the session`,
  `${user}: the aws CLI exchanges the JWT and assumes the role with the context`,
  `${user}: Athena applies the Lake Formation row filter and column grant`,
  `${user}: the Redshift Data API runs the statement as AWSIDC:${user}`,
  `${user}: both GetIdentityCenterAuthToken operations answer a token and its expiry`,
  `${user}: GetDataAccess vends credentials for the grant ${grant}, not for ${other}`,
];

/** Every check the Python side runs; a check missing from its report fails, as does an unknown one. */
const EXPECTED = [
  'the aws CLI works from the environment block alone (AWS_ENDPOINT_URL, AWS_DEFAULT_REGION)',
  'the service policy of docs/aws-setup.md (resource-scoped) is enough for the exchange and AssumeRole',
  ...perUser('alice', 's3://lake/team-a/*', 's3://lake/team-b/*'),
  ...perUser('bob', 's3://lake/team-b/*', 's3://lake/team-a/*'),
  'Redshift Serverless refuses plain IAM credentials with AccessDeniedException 403',
  'Athena InvalidRequestException carries Message and AthenaErrorCode, as modelled',
  'Redshift Data ValidationException and ResourceNotFoundException carry Message, as modelled',
  'a JSON member of the wrong type is SerializationException 400',
  'alice (READ): boto3 reads and lists (v1 and v2) inside the grant',
  'alice (READ): boto3 put, delete, batch delete, copy and multipart are refused',
  'bob (READWRITE): boto3 put, get, copy, delete and batch delete inside the grant',
  'bob (READWRITE): boto3 multipart upload with ListParts, Complete and Abort',
  'bob (READWRITE): aws s3 cp of a 9 MiB file (multipart), s3 cp s3:// s3://, s3 rm',
  'alice (READ): aws s3 cp up, s3 cp s3:// s3:// and s3 rm are refused; s3 ls and cp down work',
  'S3 virtual-hosted addressing: lake.s3.<region>.amazonaws.com (resolver) and lake.localhost',
  'S3 signed for another region: AuthorizationHeaderMalformed 400 with <Region>, and botocore redirects',
  'STS signed for another region: SignatureDoesNotMatch 403 (boto3 and the aws CLI)',
  'Athena signed for another region: InvalidSignatureException 400',
  'a request signed for another service is SignatureDoesNotMatch 403 in STS XML, not JSON',
  'a credential scope date other than the x-amz-date day: SignatureDoesNotMatch 403',
  'S3 without x-amz-content-sha256: InvalidRequest 400',
  'STS answers the query protocol over GET with the parameters in the query string',
  'SSO OIDC answers an unsigned CreateTokenWithIAM with its modelled AccessDeniedException',
  'AssumeRole with an inline session policy gives the intersection with the role',
  'AssumeRole with PolicyArns naming a managed policy; a malformed policy is MalformedPolicyDocument',
];

function runChecks(input: unknown): Promise<{ checks: CheckResult[]; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['run.py'], { cwd: join(ROOT, 'test/conformance/python') });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      try {
        resolve({ ...(JSON.parse(last) as { checks: CheckResult[] }), stderr: err });
      } catch {
        reject(new Error(`python3 run.py exited ${code} without a report: ${err.slice(-2000)}`));
      }
    });
    child.stdin.end(JSON.stringify(input));
  });
}

let workdir: string;
let emulator: EmulatorProcess | undefined;
let report: Map<string, CheckResult>;

beforeAll(async () => {
  workdir = await mkdtemp(join(tmpdir(), 'tip-conformance-'));
  const configPath = join(workdir, 'emulator.config.json');
  await writeJson(configPath, conformanceConfig());
  emulator = await startEmulatorProcess(configPath);
  const { env } = emulator;
  const issuer = env.TIP_IDP_ISSUER!;
  const audience = env.TIP_AUDIENCE!;
  const tokens = {
    alice: await userTokens(issuer, audience, 'alice', 12),
    bob: await userTokens(issuer, audience, 'bob', 8),
  };
  const { checks } = await runChecks({
    env,
    tokens,
    workdir,
    portalArn: PORTAL_ARN,
    managedPolicyArn: MANAGED_POLICY_ARN,
    cluster: CLUSTER,
    workgroup: 'analytics-wg',
    docsKey: DOCS_KEY,
  });
  report = new Map(checks.map((c) => [c.name, c]));
}, 300_000);

afterAll(async () => {
  const code = await emulator?.stop();
  await rm(workdir, { recursive: true, force: true });
  expect(code).toBe(0);
});

describe('the emulator against boto3/botocore and the aws CLI', () => {
  it('reports exactly the expected checks', () => {
    expect([...report.keys()].sort()).toEqual([...EXPECTED].sort());
  });

  it.each(EXPECTED)('%s', (name) => {
    const result = report.get(name);
    expect(result, `no result for "${name}"`).toBeDefined();
    expect(result!.ok, `${result!.error}\n${result!.trace ?? ''}`).toBe(true);
  });
});
