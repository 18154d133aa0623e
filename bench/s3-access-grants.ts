/**
 * S3 Access Grants: object reads by 10 users over 10 prefixes × 10 keys through tip-sdk's grant cache
 * (warm: a cold pass fills it first and is reported apart), against the same reads with a GetDataAccess
 * call per read and the clients reused (the baseline: what a credential provider without a cache costs
 * at best), and per read with new clients, in paired rounds. GetDataAccess calls are counted by the
 * emulator. Real AWS SDK v3 clients over loopback HTTP; each user's identity-enhanced credentials come
 * from `tip.forToken`.
 *
 * Run: node --import tsx bench/s3-access-grants.ts
 * Env: BENCH_ROUNDS (default 7), BENCH_READS (sequential reads per user per slice, default 20).
 */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetDataAccessCommand, S3ControlClient } from '@aws-sdk/client-s3-control';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { EmulatorConfigInput } from '../src/emulator/config/types.js';
import { startEmulator } from '../src/emulator/start.js';
import { allowInsecureRequests } from '../src/jwt/insecure.js';
import { s3AccessGrants } from '../src/services/s3/access-grants.js';
import { createTrustedIdentity } from '../src/tip.js';
import { type SliceCase, compareSlices, formatComparison } from './lib/harness.js';
import { fmt } from './lib/stats.js';

const ACCOUNT = '123456789012';
const INSTANCE = 'ssoins-1111222233334444';
const APP = `arn:aws:sso::${ACCOUNT}:application/${INSTANCE}/apl-aaaabbbbccccdddd`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/analytics`;
const SERVICE = `arn:aws:iam::${ACCOUNT}:user/service`;
const USERS = Array.from({ length: 10 }, (_, i) => `user${i}`);
const PREFIXES = Array.from({ length: 10 }, (_, i) => `p${i}`);
const KEYS = Array.from({ length: 10 }, (_, i) => `k${i}.txt`);
const audience = 'tip-sdk-bench';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const READS_PER_SLICE = Number(process.env.BENCH_READS ?? 20);

const config: EmulatorConfigInput = {
  accountId: ACCOUNT,
  idp: { audience, accessTokenTtlSeconds: 7200 },
  identityCenter: {
    instanceArn: `arn:aws:sso:::instance/${INSTANCE}`,
    identityStoreId: 'd-1234567890',
    users: USERS.map((u) => ({ userName: u, email: `${u}@example.com`, groups: ['readers'] })),
    groups: [{ name: 'readers' }],
    trustedTokenIssuers: [{ name: 'idp', issuerUrl: 'idp' }],
    applications: [
      {
        arn: APP,
        jwtBearer: { authorizedTokenIssuers: [{ tokenIssuer: 'idp', audiences: [audience] }] },
        assignments: { groups: ['readers'] },
      },
    ],
  },
  roles: [
    {
      arn: ROLE,
      trustPolicy: [
        { Effect: 'Allow', Principal: { AWS: SERVICE }, Action: ['sts:AssumeRole', 'sts:SetContext'] },
      ],
    },
  ],
  callers: [
    {
      accessKeyId: 'AKIDSERVICE0000000001',
      secretAccessKey: 'service-secret-key-0000000000',
      principalArn: SERVICE,
    },
  ],
  s3: {
    buckets: [
      {
        name: 'lake',
        objects: Object.fromEntries(PREFIXES.flatMap((p) => KEYS.map((k) => [`${p}/${k}`, `${p}:${k}`]))),
      },
    ],
    accessGrants: {
      locations: [{ scope: 's3://', iamRoleArn: `arn:aws:iam::${ACCOUNT}:role/ag-location` }],
      grants: PREFIXES.map((p) => ({
        grantee: 'group:readers',
        target: `s3://lake/${p}/*`,
        permission: 'READ' as const,
      })),
    },
  },
};

/**
 * A reader that asks GetDataAccess before every read (what a credential provider without a cache does).
 * `reuse` keeps one S3 Control and one S3 client per user (the fair baseline); otherwise both are built
 * per read.
 */
function uncachedReader(
  base: Record<string, unknown>,
  region: string,
  credentials: AwsCredentialIdentityProvider,
  reuse: boolean,
): (key: string) => Promise<string> {
  let current: AwsCredentialIdentity | undefined;
  const control = new S3ControlClient({ ...base, region, credentials });
  // Marked as expiring now, so the SDK asks for them on every request instead of caching the first set.
  const shared = new S3Client({
    ...base,
    region,
    credentials: async () => ({ ...current!, expiration: new Date() }),
  });
  return async (key) => {
    const ctl = reuse ? control : new S3ControlClient({ ...base, region, credentials });
    const out = await ctl.send(
      new GetDataAccessCommand({
        AccountId: ACCOUNT,
        Target: `s3://lake/${key}`,
        Permission: 'READ',
        TargetType: 'Object',
      }),
    );
    const c = out.Credentials!;
    const creds = {
      accessKeyId: c.AccessKeyId!,
      secretAccessKey: c.SecretAccessKey!,
      sessionToken: c.SessionToken!,
    };
    current = creds;
    const s3 = reuse ? shared : new S3Client({ ...base, region, credentials: creds });
    const got = await s3.send(new GetObjectCommand({ Bucket: 'lake', Key: key }));
    return got.Body!.transformToString();
  };
}

async function main(): Promise<void> {
  const emu = await startEmulator(config, {
    quiet: true,
    services: { 'redshift-data': false, redshift: false, 'redshift-serverless': false, athena: false },
  });
  try {
    const { region: _r, maxAttempts: _m, ...clientConfig } = emu.clientConfig({ service: 's3' });
    const tip = createTrustedIdentity({
      region: emu.region,
      issuers: [allowInsecureRequests({ issuer: emu.idp!.issuer, audience, algorithms: ['RS256', 'ES256'] })],
      applicationArn: APP,
      accessRoleArn: ROLE,
      clientConfig,
      clock: () => emu.clock.now(),
    });
    const sessions = await Promise.all(USERS.map(async (u) => tip.forToken(await emu.idp!.tokenFor(u))));
    const { credentials: _c, ...base } = clientConfig;
    const reads = PREFIXES.flatMap((p) => KEYS.map((k) => `${p}/${k}`));
    const grantReaders = sessions.map((s) => {
      const s3 = s3AccessGrants(
        { credentials: s.credentials, region: emu.region, clientConfig: base, clock: () => emu.clock.now() },
        { accountId: ACCOUNT },
      );
      return async (key: string) => (await s3.getObject({ Bucket: 'lake', Key: key })).text();
    });
    const calls = new Map<string, { reads: number; gda: number }>();
    /** A slice: every user reads READS_PER_SLICE keys one after another, the users concurrently. */
    const slicer = (name: string, readers: ((key: string) => Promise<string>)[]): SliceCase => {
      let offset = 0;
      return {
        name,
        slice: async () => {
          const before = emu.counters.get('GetDataAccess');
          const samplesUs: number[] = [];
          const t0 = performance.now();
          await Promise.all(
            readers.map(async (read) => {
              for (let k = 0; k < READS_PER_SLICE; k++) {
                const key = reads[(offset + k) % reads.length]!;
                const s = performance.now();
                const text = await read(key);
                samplesUs.push((performance.now() - s) * 1000);
                if (text !== key.replace('/', ':')) throw new Error(`wrong body for ${key}`);
              }
            }),
          );
          const ms = performance.now() - t0;
          offset += READS_PER_SLICE;
          const c = calls.get(name) ?? { reads: 0, gda: 0 };
          c.reads += readers.length * READS_PER_SLICE;
          c.gda += emu.counters.get('GetDataAccess') - before;
          calls.set(name, c);
          return { ops: readers.length * READS_PER_SLICE, ms, samplesUs };
        },
      };
    };
    // The cold pass fills the grant cache: one GetDataAccess per user and prefix. Not part of the timing.
    const coldBefore = emu.counters.get('GetDataAccess');
    const t0 = performance.now();
    await Promise.all(
      grantReaders.map(async (read) => {
        for (const key of reads) await read(key);
      }),
    );
    const coldMs = performance.now() - t0;
    const cold = emu.counters.get('GetDataAccess') - coldBefore;

    const result = await compareSlices(
      slicer(
        'GetDataAccess per read, clients reused',
        sessions.map((s) => uncachedReader(base, emu.region, s.credentials, true)),
      ),
      [
        slicer('tip-sdk grant cache, warm', grantReaders),
        slicer(
          'GetDataAccess per read, clients per read',
          sessions.map((s) => uncachedReader(base, emu.region, s.credentials, false)),
        ),
      ],
      ROUNDS,
    );
    console.log(
      `Cold pass through the grant cache: ${reads.length * USERS.length} reads, ${cold} GetDataAccess calls, ${coldMs.toFixed(0)} ms (not in the table)\n`,
    );
    console.log(
      formatComparison(
        `S3 Access Grants reads: ${USERS.length} users concurrently, ${READS_PER_SLICE} sequential reads each per slice, emulator over loopback`,
        result,
        'reads/s',
      ),
    );
    for (const [name, c] of calls) console.log(`${name}: ${fmt(c.gda / c.reads, 2)} GetDataAccess per read`);
  } finally {
    await emu.stop();
  }
}

await main();
