/**
 * The demo run: start the embedded IdP and the emulator, sign two users in, create ONE trusted identity
 * aimed at the emulator, and for each user run the steps, a cached burst, and count the AWS calls.
 */
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { createTrustedIdentity } from '../../src/index.js';
import type { TrustedIdentity } from '../../src/index.js';
import { ACCESS_ROLE_ARN, APPLICATION_ARN, AUDIENCE, BURST, DEMO_CONFIG, DEMO_USERS } from './config.js';
import type { DemoUser } from './config.js';
import { type Check, type Output, check, failed, formatTable, paint, printCheck } from './report.js';
import { USER_STEPS, burstStep } from './steps.js';

/** The outcome of a run. */
export interface DemoResult {
  /** True when every check held. */
  readonly ok: boolean;
  /** Every check, in order. */
  readonly checks: readonly Check[];
  /** One line: why the run failed (the first failed check), or a summary when it passed. */
  readonly summary: string;
  /** Wall time of the whole run, ms. */
  readonly durationMs: number;
}

type Operations = Readonly<Record<string, number>>;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Calls per operation between two counter snapshots. */
function diff(before: Operations, after: Operations): Map<string, number> {
  const out = new Map<string, number>();
  for (const [op, n] of Object.entries(after)) {
    const d = n - (before[op] ?? 0);
    if (d > 0) out.set(op, d);
  }
  return out;
}

/** One trusted identity for every user, aimed at the emulator through its client settings. */
function trustedIdentity(emu: RunningEmulator): TrustedIdentity {
  // Region, the IdP as issuer and client settings that reach every service (S3 Control included).
  return createTrustedIdentity(
    emu.trustedIdentityOptions({
      applicationArn: APPLICATION_ARN,
      accessRoleArn: ACCESS_ROLE_ARN,
      audience: AUDIENCE,
    }),
  );
}

/** Calls per operation made for one user: during the steps, and during the burst. */
interface UserCalls {
  readonly userName: string;
  readonly flow: Map<string, number>;
  readonly burst: Map<string, number>;
}

/** Runs one user's steps, burst and call count; prints as it goes. */
async function runUser(
  out: Output,
  emu: RunningEmulator,
  tip: TrustedIdentity,
  user: DemoUser,
  token: string,
): Promise<{ checks: Check[]; calls?: UserCalls }> {
  out.line();
  out.line(paint(out, 'bold', `${user.userName} · group ${user.group}`));
  const checks: Check[] = [];
  const record = (c: Check) => {
    checks.push(c);
    printCheck(out, c);
  };
  const start = emu.counters.snapshot().operations;
  const session = await tip.forToken(token).catch((error: unknown) => {
    record(failed('sign-in', error));
    return undefined;
  });
  if (session === undefined) return { checks };
  const ctx = { emu, tip, user, token, session };
  for (const s of USER_STEPS) record(await s.run(ctx));
  const afterFlow = emu.counters.snapshot().operations;
  record(await burstStep.run(ctx));
  const calls = {
    userName: user.userName,
    flow: diff(start, afterFlow),
    burst: diff(afterFlow, emu.counters.snapshot().operations),
  };
  const total = (op: string) => (calls.flow.get(op) ?? 0) + (calls.burst.get(op) ?? 0);
  const exchanges = total('sso-oauth:CreateTokenWithIAM');
  const assumes = total('sts:AssumeRole');
  const vended = calls.burst.get('s3-control:GetDataAccess') ?? 0;
  record(
    check(
      'cache',
      exchanges === 1 && assumes === 1 && vended === 0,
      `${exchanges} CreateTokenWithIAM + ${assumes} AssumeRole in all; ${vended} GetDataAccess during the burst`,
      'expected 1 CreateTokenWithIAM, 1 AssumeRole and no GetDataAccess during the burst',
    ),
  );
  return { checks, calls };
}

/** The AWS calls table: one row per operation, flow and burst columns per user. */
function printCalls(out: Output, calls: readonly UserCalls[]): void {
  if (calls.length === 0) return;
  const ops = [...new Set(calls.flatMap((c) => [...c.flow.keys(), ...c.burst.keys()]))].sort(byService);
  out.line();
  out.line(paint(out, 'bold', "AWS calls per user, from the emulator's counters"));
  const rows = [
    ['operation', ...calls.flatMap((c) => [c.userName, `+ burst ×${BURST}`])],
    ...ops.map((op) => [
      op,
      ...calls.flatMap((c) => [String(c.flow.get(op) ?? 0), String(c.burst.get(op) ?? 0)]),
    ]),
  ];
  for (const l of formatTable(rows, '  ')) out.line(l);
}

/** The token exchange first, then the services in the order the demo uses them; calls in first-call order. */
function byService(a: string, b: string): number {
  const order = ['sso-oauth', 'sts', 'athena', 'redshift-data', 'redshift-serverless', 's3-control', 's3'];
  const rank = (op: string) => order.indexOf(op.slice(0, op.indexOf(':')));
  return rank(a) - rank(b);
}

/** Runs the whole demo, writing to `out`. Never throws: failures become failed checks. */
export async function runDemo(out: Output): Promise<DemoResult> {
  const began = Date.now();
  const checks: Check[] = [];
  out.line(
    paint(out, 'bold', 'tip-sdk demo — trusted identity propagation, end to end, on the local emulator'),
  );
  let emu: RunningEmulator | undefined;
  try {
    emu = await startEmulator(DEMO_CONFIG, { quiet: true });
    out.line(
      paint(
        out,
        'dim',
        `emulator ${emu.url} · IdP ${emu.idp!.issuer} · ready in ${seconds(Date.now() - began)} (development keys, loopback only)`,
      ),
    );
    const tip = trustedIdentity(emu);
    // Scripted logins at the embedded IdP: real RS256 access tokens.
    const idp = emu.idp!;
    const tokens = await Promise.all(DEMO_USERS.map((u) => idp.tokenFor(u.userName)));
    const calls: UserCalls[] = [];
    for (const [i, user] of DEMO_USERS.entries()) {
      const done = await runUser(out, emu, tip, user, tokens[i]!);
      checks.push(...done.checks);
      if (done.calls) calls.push(done.calls);
    }
    printCalls(out, calls);
  } catch (error) {
    const c = failed('demo', error);
    checks.push(c);
    printCheck(out, c);
  } finally {
    await emu?.stop();
  }
  const durationMs = Date.now() - began;
  const bad = checks.filter((c) => !c.ok);
  const summary =
    bad.length === 0
      ? `all ${checks.length} checks passed in ${seconds(durationMs)}`
      : `${bad.length} of ${checks.length} checks failed; first: ${bad[0]!.label}: ${bad[0]!.reason ?? bad[0]!.detail}`;
  out.line();
  out.line(bad.length === 0 ? paint(out, 'green', `✓ ${summary}`) : paint(out, 'red', `✗ ${summary}`));
  return { ok: bad.length === 0, checks, summary, durationMs };
}
