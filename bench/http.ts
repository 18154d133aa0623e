/**
 * HTTP throughput of the Express example service on loopback for 100 users: tip-sdk's middleware (cached,
 * single-flight per user) against a naive handler that calls CreateTokenWithIAM and AssumeRole on every
 * request — the shape of a per-request credential provider. The emulator runs in the same process, so
 * AWS round trips are loopback-cheap here; on AWS each avoided exchange saves two real network calls.
 * One operation = 100 concurrent GET /me, one per user. The floor case (a route without auth on the same
 * loopback, same client) shows what the HTTP stack itself costs on this machine.
 *
 * Run: node --import tsx bench/http.ts
 */
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTokenWithIAMCommand, SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import express from 'express';
import { decodeJwt } from 'jose';
import type { EmulatorConfigInput } from '../src/emulator/config/types.js';
import { EMULATOR_CONFIG, emulatorSettings } from '../examples/express-service/config.js';
import { startService } from '../examples/express-service/service.js';
import { type BenchCase, formatTable, runSuite } from './lib/harness.js';

const USERS = 100;
const TIME_MS = Number(process.env.BENCH_TIME_MS ?? 3000);

const base = JSON.parse(readFileSync(EMULATOR_CONFIG, 'utf8')) as EmulatorConfigInput & {
  identityCenter: { users: { userName: string; email: string; groups?: string[] }[] };
};
const names = Array.from({ length: USERS }, (_, i) => `bench${String(i).padStart(3, '0')}`);
const config = {
  ...base,
  identityCenter: {
    ...base.identityCenter,
    users: [
      ...base.identityCenter.users,
      ...names.map((n) => ({ userName: n, email: `${n}@example.com`, groups: ['analysts'] })),
    ],
  },
} as EmulatorConfigInput;

const { emu, settings } = await emulatorSettings(config);
const idp = emu.idp!;
const mint = (user: string) =>
  idp.signToken(
    { sub: user, aud: 'tip-sdk-demo', email: `${user}@example.com` },
    { header: { typ: 'at+jwt' } },
  );

// Ours: the Express example service, one token per user reused across requests.
const ours = await startService(settings, 0);
const tokens = await Promise.all(names.map(mint));

// Naive: exchange and assume on every request (a new JWT each time: IdC refuses a reused jti).
const aws = emu.clientConfig({ service: 'sts' });
const ssoOidc = new SSOOIDCClient({ ...aws, maxAttempts: 1 });
const sts = new STSClient({ ...aws, maxAttempts: 1 });
const naiveApp = express();
naiveApp.get('/ping', (_req, res) => {
  res.json({ ok: true });
});
naiveApp.get('/me', async (req, res) => {
  const assertion = (req.headers.authorization ?? '').slice('Bearer '.length);
  try {
    const idc = await ssoOidc.send(
      new CreateTokenWithIAMCommand({
        clientId: settings.tipOptions.applicationArn,
        grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion,
      }),
    );
    const context = idc.awsAdditionalDetails?.identityContext;
    await sts.send(
      new AssumeRoleCommand({
        RoleArn: settings.tipOptions.accessRoleArn,
        RoleSessionName: 'naive',
        ProvidedContexts: [
          { ProviderArn: 'arn:aws:iam::aws:contextProvider/IdentityCenter', ContextAssertion: context },
        ],
      }),
    );
    res.json({ subject: decodeJwt(assertion).sub, idcUserId: decodeJwt(idc.idToken ?? '').sub });
  } catch (error) {
    res.status(500).json({ error: (error as Error).name });
  }
});
const naiveServer: Server = naiveApp.listen(0, '127.0.0.1');
await new Promise((r) => naiveServer.once('listening', r));
const naiveUrl = `http://127.0.0.1:${(naiveServer.address() as AddressInfo).port}`;

// Fresh tokens for the naive case, minted ahead so signing is not timed.
const pool: string[] = [];
const refill = async (n: number) => {
  for (let i = 0; i < n; i += 200)
    pool.push(...(await Promise.all(Array.from({ length: 200 }, (_, j) => mint(names[(i + j) % USERS]!)))));
};
await refill(6000);

const failures = new Map<string, number>();
async function burst(url: string, tokenFor: (i: number) => string, path = '/me'): Promise<void> {
  const results = await Promise.all(
    names.map(async (_, i) => {
      const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${tokenFor(i)}` } });
      const body = await res.text();
      return res.status === 200 ? '200' : `${res.status} ${body.slice(0, 120)}`;
    }),
  );
  for (const s of results) if (s !== '200') failures.set(s, (failures.get(s) ?? 0) + 1);
}

const cases: BenchCase[] = [
  { name: 'floor: Express, no auth', fn: () => burst(naiveUrl, (i) => tokens[i]!, '/ping') },
  { name: 'tip-sdk middleware (cached)', fn: () => burst(ours.url, (i) => tokens[i]!) },
  {
    name: 'naive: exchange per request',
    fn: () => {
      if (pool.length < USERS) throw new Error('token pool exhausted: raise the refill');
      return burst(naiveUrl, () => pool.pop()!);
    },
  },
];
const exchangesBefore = emu.counters.get('sso-oauth:CreateTokenWithIAM');
const results = await runSuite(cases, { warmupMs: 500, timeMs: TIME_MS });
console.log(
  formatTable(
    `GET /me, ${USERS} users, 100 concurrent requests per op`,
    results,
    'naive: exchange per request',
  ),
);
for (const r of results)
  console.log(`${r.name}: ${Math.round(r.opsPerSec * USERS).toLocaleString('en-US')} requests/s`);
console.log(
  `non-200 answers: ${JSON.stringify([...failures])}; CreateTokenWithIAM calls during the run: ${emu.counters.get('sso-oauth:CreateTokenWithIAM') - exchangesBefore}`,
);

ssoOidc.destroy();
sts.destroy();
naiveServer.close();
naiveServer.closeAllConnections();
await ours.close();
await emu.stop();
process.exit(failures.size === 0 ? 0 : 1);
