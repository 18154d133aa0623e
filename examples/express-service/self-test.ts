/**
 * Exercises a running example service over HTTP with tokens from the emulator's IdP, prints one line per
 * check and returns the exit code.
 */
import type { RunningEmulator } from 'tip-sdk/emulator';

interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

async function get(url: string, token?: string) {
  const res = await fetch(url, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Not JSON (an object body).
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** Runs the checks against `base`; returns 0 when all pass. */
export async function selfTest(base: string, emu: RunningEmulator, name: string): Promise<number> {
  const idp = emu.idp!;
  const checks: Check[] = [];
  const check = (label: string, ok: boolean, detail: string) => checks.push({ name: label, ok, detail });
  const alice = await idp.tokenFor('alice');
  const bob = await idp.tokenFor('bob');

  const me = await get(`${base}/me`, alice);
  check(
    'GET /me as alice',
    me.status === 200 && me.json.subject === 'alice',
    `${me.status} ${String(me.json.idcUserId)}`,
  );
  const aws = await get(`${base}/whoami-aws`, alice);
  const arn = String(aws.json.arn);
  check(
    'GET /whoami-aws as alice',
    aws.status === 200 && arn.includes(':assumed-role/analytics-identity-bearer/'),
    `${aws.status} ${arn}`,
  );
  const sales = await get(`${base}/sales`, alice);
  const regions = Array.isArray(sales.json.rows)
    ? sales.json.rows.map((r) => (r as Record<string, unknown>).region)
    : [];
  check(
    'GET /sales as alice (analysts see region eu only)',
    sales.status === 200 && regions.length > 0 && regions.every((r) => r === 'eu'),
    `${sales.status} ${JSON.stringify(regions)}`,
  );
  const file = await get(`${base}/files/team-a/report.csv`, alice);
  check(
    'GET /files/team-a/report.csv as alice',
    file.status === 200 && file.text.startsWith('id,amount'),
    `${file.status}`,
  );
  const denied = await get(`${base}/files/team-a/report.csv`, bob);
  check(
    'GET /files/team-a/report.csv as bob → 403',
    denied.status === 403 && denied.json.code === 'ERR_ACCESS_DENIED',
    `${denied.status} ${String(denied.json.code)}`,
  );
  const anonymous = await get(`${base}/me`);
  check(
    'GET /me without a token → 401',
    anonymous.status === 401 && anonymous.headers.get('www-authenticate') === 'Bearer realm="analytics"',
    `${anonymous.status} ${anonymous.headers.get('www-authenticate')}`,
  );
  const bad = await get(`${base}/me`, 'not-a-jwt');
  check(
    'GET /me with a bad token → 401 invalid_token',
    bad.status === 401 && bad.json.error === 'invalid_token',
    `${bad.status} ${String(bad.json.code)}`,
  );

  const before = emu.counters.get('sso-oauth:CreateTokenWithIAM');
  const carol = await idp.tokenFor('carol');
  const burst = await Promise.all(
    Array.from({ length: 40 }, (_, i) => get(`${base}/me`, [alice, bob, carol][i % 3])),
  );
  const exchanges = emu.counters.get('sso-oauth:CreateTokenWithIAM') - before;
  check(
    '40 concurrent requests, 3 users → 1 new exchange (carol)',
    burst.every((r) => r.status === 200) && exchanges === 1,
    `${exchanges} CreateTokenWithIAM`,
  );
  const metrics = await get(`${base}/metrics`);
  const counters = (metrics.json.counters ?? {}) as Record<
    string,
    { attributes: Record<string, unknown>; value: number }[]
  >;
  const http = counters['tip.http.requests'] ?? [];
  const calls = counters['tip.aws.calls'] ?? [];
  const counted = (service: string, operation: string) =>
    calls.find(
      (c) =>
        c.attributes.service === service &&
        c.attributes.operation === operation &&
        c.attributes.outcome === 'success',
    )?.value ?? 0;
  check(
    'GET /metrics counts HTTP outcomes and the calls made as users',
    metrics.status === 200 &&
      http.length > 0 &&
      counted('athena', 'query') === 1 &&
      counted('s3', 'GetObject') === 1 &&
      counted('sts', 'GetCallerIdentity') === 1,
    `${http.length} HTTP series; athena query ${counted('athena', 'query')}, s3 GetObject ${counted('s3', 'GetObject')}`,
  );

  for (const c of checks) console.log(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name} (${c.detail})`);
  const failed = checks.filter((c) => !c.ok).length;
  console.log(`${name}: ${checks.length - failed}/${checks.length} checks passed`);
  return failed === 0 ? 0 : 1;
}
