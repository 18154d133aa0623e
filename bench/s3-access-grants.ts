/**
 * S3 Access Grants: GetDataAccess calls and read latency for 1,000 object reads — 10 users × 10 prefixes
 * × 10 keys — through tip-sdk's grant cache, against the same reads with a GetDataAccess call per read
 * (no cache, what a credential provider without a cache does). Real AWS SDK v3 clients over loopback
 * HTTP against the emulator; each user's identity-enhanced credentials come from `tip.forToken`.
 *
 * Run: node --import tsx bench/s3-access-grants.ts
 */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetDataAccessCommand, S3ControlClient } from '@aws-sdk/client-s3-control';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { EmulatorConfigInput } from '../src/emulator/config/types.js';
import { startEmulator } from '../src/emulator/start.js';
import { allowInsecureRequests } from '../src/jwt/insecure.js';
import { s3AccessGrants } from '../src/services/s3/access-grants.js';
import { createTrustedIdentity } from '../src/tip.js';

const ACCOUNT = '123456789012';
const INSTANCE = 'ssoins-1111222233334444';
const APP = `arn:aws:sso::${ACCOUNT}:application/${INSTANCE}/apl-aaaabbbbccccdddd`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/analytics`;
const SERVICE = `arn:aws:iam::${ACCOUNT}:user/service`;
const USERS = Array.from({ length: 10 }, (_, i) => `user${i}`);
const PREFIXES = Array.from({ length: 10 }, (_, i) => `p${i}`);
const KEYS = Array.from({ length: 10 }, (_, i) => `k${i}.txt`);
const audience = 'tip-sdk-bench';

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

/** An S3 client that asks GetDataAccess for every request: the no-cache baseline. */
function uncachedClient(
  base: Record<string, unknown>,
  region: string,
  credentials: AwsCredentialIdentityProvider,
): (key: string) => Promise<string> {
  const control = new S3ControlClient({ ...base, region, credentials });
  return async (key) => {
    const out = await control.send(
      new GetDataAccessCommand({
        AccountId: ACCOUNT,
        Target: `s3://lake/${key}`,
        Permission: 'READ',
        TargetType: 'Object',
      }),
    );
    const c = out.Credentials!;
    const creds: AwsCredentialIdentity = {
      accessKeyId: c.AccessKeyId!,
      secretAccessKey: c.SecretAccessKey!,
      sessionToken: c.SessionToken!,
    };
    const s3 = new S3Client({ ...base, region, credentials: creds });
    const got = await s3.send(new GetObjectCommand({ Bucket: 'lake', Key: key }));
    return got.Body!.transformToString();
  };
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
}

async function main(): Promise<void> {
  const emu = await startEmulator(config, {
    quiet: true,
    services: { 'redshift-data': false, redshift: false, 'redshift-serverless': false },
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

    const cases: { name: string; readerFor: (i: number) => (key: string) => Promise<string> }[] = [
      {
        name: 'tip-sdk grant cache',
        readerFor: (i) => {
          const s3 = s3AccessGrants(
            {
              credentials: sessions[i]!.credentials,
              region: emu.region,
              clientConfig: base,
              clock: () => emu.clock.now(),
            },
            { accountId: ACCOUNT },
          );
          return async (key) => (await s3.getObject({ Bucket: 'lake', Key: key })).text();
        },
      },
      {
        name: 'no cache (GetDataAccess per read)',
        readerFor: (i) => uncachedClient(base, emu.region, sessions[i]!.credentials),
      },
    ];

    const rows: string[] = [];
    let baselineMs = 0;
    for (const c of cases) {
      emu.counters.reset();
      const latencies: number[] = [];
      const t0 = performance.now();
      // 10 users read concurrently; each user reads its 100 keys one after another.
      await Promise.all(
        sessions.map(async (_s, i) => {
          const read = c.readerFor(i);
          for (const key of reads) {
            const s = performance.now();
            const text = await read(key);
            latencies.push(performance.now() - s);
            if (text !== key.replace('/', ':')) throw new Error(`wrong body for ${key}`);
          }
        }),
      );
      const totalMs = performance.now() - t0;
      latencies.sort((a, b) => a - b);
      if (baselineMs === 0) baselineMs = totalMs;
      rows.push(
        [
          c.name.padEnd(36),
          String(latencies.length).padStart(6),
          String(emu.counters.get('GetDataAccess')).padStart(14),
          totalMs.toFixed(0).padStart(9),
          pct(latencies, 0.5).toFixed(2).padStart(8),
          pct(latencies, 0.99).toFixed(2).padStart(8),
        ].join(' '),
      );
    }
    const lastTotal = Number(rows.at(-1)!.split(/\s+/).at(-3));
    console.log(
      '\nS3 Access Grants: 10 users × 10 prefixes × 10 keys, emulator over loopback HTTP (one run)',
    );
    console.log(
      `${'case'.padEnd(36)} ${'reads'.padStart(6)} ${'GetDataAccess'.padStart(14)} ${'total ms'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)}`,
    );
    for (const row of rows) console.log(row);
    console.log(`no-cache total / cached total: ${(lastTotal / baselineMs).toFixed(2)}×`);
  } finally {
    await emu.stop();
  }
}

await main();
