/**
 * Credential resolution: warm `forToken` latency (real JWT verification with a local JWKS), AWS calls per
 * request against the per-request pattern of AWS's plugin, and memory per cached user.
 *
 * AWS is an in-process fake injected as the sso-oidc and STS clients (no HTTP), so the figures are the
 * library's own cost. Token sizes are set to plausible AWS sizes (see SIZES).
 *
 * Run: node --expose-gc --import tsx bench/credentials.ts
 * Env: BENCH_TIME_MS (default 1500), BENCH_USERS (default "10000,100000").
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { createTrustedIdentity } from '../src/index.js';
import type { TrustedIdentityOptions } from '../src/index.js';
import { formatTable, measure } from './lib/harness.js';

const ISSUER = 'https://idp.example.com';
const AUDIENCE = 'analytics-api';
const APP = 'arn:aws:sso::123456789012:application/ssoins-1111222233334444/apl-aaaabbbbccccdddd';
const ROLE = 'arn:aws:iam::123456789012:role/identity-bearer';
const TIME_MS = Number(process.env.BENCH_TIME_MS ?? 1500);
const USER_COUNTS = (process.env.BENCH_USERS ?? '10000,100000').split(',').map(Number);
/** Characters of each secret the fake AWS returns (IdC tokens and STS session tokens are opaque). */
const SCALE = Number(process.env.BENCH_SECRET_SCALE ?? 1);
const SIZES = {
  accessToken: Math.round(512 * SCALE),
  refreshToken: Math.round(512 * SCALE),
  identityContext: Math.max(8, Math.round(1024 * SCALE)),
  sessionToken: Math.round(1024 * SCALE),
};

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const filler = (n: number, seed: string) => seed.padEnd(n, 'x');

/** An in-process fake of CreateTokenWithIAM and AssumeRole that counts calls. */
function fakeAws() {
  const counts = { exchange: 0, assumeRole: 0 };
  let n = 0;
  const now = () => Math.floor(Date.now() / 1000);
  const ssoOidc = {
    send: async (command: { input: Record<string, unknown> }) => {
      counts.exchange += 1;
      n += 1;
      const assertion = String(command.input.assertion ?? '');
      const sub =
        JSON.parse(Buffer.from(assertion.split('.')[1] ?? '', 'base64url').toString() || '{}').sub ?? 'r';
      const user = `u-${sub}`;
      const ctx = filler(SIZES.identityContext, `ctx-${user}-${n}-`);
      return {
        $metadata: { requestId: `r-${n}` },
        accessToken: filler(SIZES.accessToken, `at-${n}-`),
        tokenType: 'Bearer',
        expiresIn: 3600,
        refreshToken: filler(SIZES.refreshToken, `rt-${n}-`),
        idToken: `${b64({ alg: 'RS256' })}.${b64({ sub: user, aud: APP, exp: now() + 3600, 'sts:identity_context': ctx, 'aws:identity_store_id': 'd-1234567890' })}.c2ln`,
        awsAdditionalDetails: { identityContext: ctx },
      };
    },
  };
  const sts = {
    send: async (command: { input: Record<string, unknown> }) => {
      counts.assumeRole += 1;
      n += 1;
      const session = String(command.input.RoleSessionName);
      return {
        $metadata: { requestId: `s-${n}` },
        Credentials: {
          AccessKeyId: `ASIA${String(n).padStart(16, '0')}`,
          SecretAccessKey: filler(40, `secret${n}`),
          SessionToken: filler(SIZES.sessionToken, `st-${n}-`),
          Expiration: new Date(Date.now() + 3_600_000),
        },
        AssumedRoleUser: { Arn: `arn:aws:sts::123456789012:assumed-role/identity-bearer/${session}` },
      };
    },
  };
  return { counts, ssoOidc, sts };
}

function tipWith(aws: ReturnType<typeof fakeAws>, extra: Partial<TrustedIdentityOptions>) {
  return createTrustedIdentity({
    region: 'us-east-1',
    applicationArn: APP,
    accessRoleArn: ROLE,
    ssoOidcClient: aws.ssoOidc,
    stsClient: aws.sts,
    ...(extra.verifier === undefined && extra.issuers === undefined ? {} : {}),
    ...extra,
  } as TrustedIdentityOptions);
}

async function warmLatency(): Promise<void> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' };
  const token = (i: number) => {
    const t = Math.floor(Date.now() / 1000);
    const head = b64({ alg: 'RS256', kid: 'k1', typ: 'JWT' });
    const body = b64({ iss: ISSUER, sub: `user-${i}`, aud: AUDIENCE, jti: `j-${i}`, iat: t, exp: t + 3600 });
    return `${head}.${body}.${sign('sha256', Buffer.from(`${head}.${body}`), privateKey).toString('base64url')}`;
  };
  const aws = fakeAws();
  const tip = tipWith(aws, {
    issuers: [{ issuer: ISSUER, audience: AUDIENCE, algorithms: ['RS256'], jwks: { keys: [jwk as never] } }],
  });
  const users = 1000;
  const tokens = Array.from({ length: users }, (_, i) => token(i));
  await Promise.all(tokens.map((t) => tip.forToken(t)));
  let i = 0;
  const one = await measure(
    { name: 'warm forToken, 1 user', fn: () => tip.forToken(tokens[0]!) },
    { timeMs: TIME_MS, sampleUs: 1 },
  );
  const many = await measure(
    { name: `warm forToken, ${users} users`, fn: () => tip.forToken(tokens[i++ % users]!) },
    { timeMs: TIME_MS, sampleUs: 1 },
  );
  console.log(
    formatTable(
      'Warm forToken (real RS256 verification, cached credentials; per-op p99)',
      [one, many],
      one.name,
    ),
  );
  console.log(
    `AWS calls during the warm runs: ${aws.counts.exchange + aws.counts.assumeRole - 2 * users} (expected 0)\n`,
  );
}

async function callsPerRequest(): Promise<void> {
  const stubVerifier = {
    verify: async (t: string) => {
      const sub = t.split(':')[0]!;
      return {
        issuer: ISSUER,
        subject: sub,
        audience: [AUDIENCE],
        expiresAt: Date.now() + 3_600_000,
        issuedAt: undefined,
        claims: { sub, jti: t },
        header: { alg: 'RS256' as const },
      };
    },
  };
  console.log('AWS calls per request (users × requests within one credential lifetime)');
  console.log('users  req/user  tip-sdk calls  plugin calls (3/request)  ratio');
  for (const [users, perUser] of [
    [100, 20],
    [1000, 20],
    [100, 100],
  ] as const) {
    const aws = fakeAws();
    const tip = tipWith(aws, { verifier: stubVerifier as never });
    const jobs: Promise<unknown>[] = [];
    for (let r = 0; r < perUser; r++)
      for (let u = 0; u < users; u++) jobs.push(tip.forToken(`user${u}:${r}`));
    await Promise.all(jobs);
    const ours = aws.counts.exchange + aws.counts.assumeRole;
    // AWS's plugin resolves per request: AssumeRoleWithWebIdentity + CreateTokenWithIAM + AssumeRole.
    const plugin = users * perUser * 3;
    console.log(
      `${String(users).padStart(5)}  ${String(perUser).padStart(8)}  ${String(ours).padStart(13)}  ${String(plugin).padStart(24)}  ${(plugin / ours).toFixed(0)}x`,
    );
  }
  console.log('');
}

async function memoryPerUser(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) {
    console.log('Memory per cached user: run with --expose-gc\n');
    return;
  }
  const stubVerifier = {
    verify: async (t: string) => ({
      issuer: ISSUER,
      subject: t,
      audience: [AUDIENCE],
      expiresAt: Date.now() + 3_600_000,
      issuedAt: undefined,
      claims: { sub: t },
      header: { alg: 'RS256' as const },
    }),
  };
  console.log(`Memory per cached user (heapUsed delta; secrets sized ${JSON.stringify(SIZES)} chars)`);
  for (const users of USER_COUNTS) {
    const aws = fakeAws();
    const tip = tipWith(aws, { verifier: stubVerifier as never, cache: { maxUsers: users } });
    gc();
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let start = 0; start < users; start += 1000) {
      await Promise.all(
        Array.from({ length: Math.min(1000, users - start) }, (_, k) => tip.forToken(`user${start + k}`)),
      );
    }
    gc();
    gc();
    const after = process.memoryUsage().heapUsed;
    const secrets = SIZES.accessToken + SIZES.refreshToken + SIZES.identityContext + SIZES.sessionToken + 60;
    console.log(
      `${String(users).padStart(7)} users: ${((after - before) / users).toFixed(0)} B/user (secret payload alone ≈ ${secrets} B), cachedUsers=${tip.cachedUsers}`,
    );
    tip.clearCache();
  }
  console.log('');
}

await warmLatency();
await callsPerRequest();
await memoryPerUser();
