/**
 * What the demo does for one user, step by step. Each step acts through the user's tip-sdk session and
 * returns a {@link Check} comparing what happened with what the configuration allows.
 */
import type { RunningEmulator } from '../../src/emulator/index.js';
import { isTipError } from '../../src/index.js';
import type { TrustedIdentity, UserSession } from '../../src/index.js';
import { ATHENA_WORKGROUP, BURST, type DemoUser, REDSHIFT, REVENUE_ROWS } from './config.js';
import { type Check, check, failed } from './report.js';

/** What a step gets. */
export interface StepContext {
  readonly emu: RunningEmulator;
  readonly tip: TrustedIdentity;
  readonly user: DemoUser;
  /** The user's access token from the IdP (secret: never printed). */
  readonly token: string;
  /** The session from `tip.forToken(token)`. */
  readonly session: UserSession;
}

/** One step of the demo. */
export interface Step {
  readonly label: string;
  run(ctx: StepContext): Promise<Check>;
}

/** A step whose exceptions become a failed check. */
function step(label: string, run: (ctx: StepContext) => Promise<Check>): Step {
  return { label, run: (ctx) => run(ctx).catch((error: unknown) => failed(label, error)) };
}

const cell = (value: unknown): string => (value === null ? 'NULL' : String(value));

/** Issuer, subject and IAM Identity Center user id of the session. */
export const identityStep = step('identity', async ({ emu, user, session }) => {
  const { issuer, subject, idcUserId } = session.identity;
  const expected = emu.config.identityCenter.users.find((u) => u.userName === user.userName)?.userId;
  return check(
    'identity',
    issuer === emu.idp?.issuer && subject === user.userName && idcUserId === expected,
    `subject ${subject} · IdC user ${idcUserId} · issuer ${issuer}`,
    `expected subject ${user.userName} and IdC user ${expected ?? '(unknown)'} from the embedded IdP`,
  );
});

/** An Athena query on the IdC workgroup: Lake Formation-style row filters differ per group. */
export const athenaStep = step('athena', async ({ user, session }) => {
  const sql = 'SELECT id, region, amount FROM sales.orders ORDER BY id';
  const result = await session.athena.query(sql, { workGroup: ATHENA_WORKGROUP, pollInterval: 20 });
  const regions = [...new Set(result.rows.map((r) => String(r.region)))].sort();
  return check(
    'athena',
    regions.join() === user.athenaRegions.join(),
    `${sql} → ${result.rows.length} rows, regions ${regions.join(', ')}`,
    `expected regions ${user.athenaRegions.join(', ')}`,
    [
      result.columns.map((c) => c.name),
      ...result.rows.map((r) => result.columns.map((c) => cell(r[c.name]))),
    ],
  );
});

/** A table granted to one group only: the other group's query fails with a typed error. */
export const athenaTableStep = step('athena table', async ({ user, session }) => {
  const sql = 'SELECT entry, amount FROM finance.ledger';
  const outcome = await session.athena.query(sql, { workGroup: ATHENA_WORKGROUP, pollInterval: 20 }).then(
    (result) => ({ seen: `${result.rows.length} rows`, why: '' }),
    (error: unknown) =>
      isTipError(error)
        ? {
            seen: error.code,
            why: typeof error.details?.reason === 'string' ? ` (${error.details.reason})` : '',
          }
        : { seen: `untyped ${String(error)}`, why: '' },
  );
  const wanted = typeof user.ledger === 'number' ? `${user.ledger} rows` : user.ledger;
  return check(
    'athena table',
    outcome.seen === wanted,
    `${sql} → ${outcome.seen}${outcome.why}`,
    `expected ${wanted}`,
  );
});

/** A Redshift Data API statement: runs as `AWSIDC:<user>` with the user's row filter. */
export const redshiftStep = step('redshift', async ({ user, session }) => {
  const sql = 'select current_user as db_user, count(*) as visible_rows from public.revenue';
  const { rows } = await session.redshift.query(sql, { ...REDSHIFT, pollInterval: 20 });
  const dbUser = String(rows[0]?.db_user);
  const visible = Number(rows[0]?.visible_rows);
  return check(
    'redshift',
    dbUser === `AWSIDC:${user.userName}` && visible === user.redshiftRows,
    `current_user = ${dbUser} · ${visible} of ${REVENUE_ROWS} revenue rows visible`,
    `expected AWSIDC:${user.userName} seeing ${user.redshiftRows} rows`,
  );
});

/** A token for the Redshift JDBC/ODBC/Python drivers (shown by type and lifetime only). */
export const driverTokenStep = step('driver token', async ({ emu, session }) => {
  const token = await session.redshift.driverToken({ workgroupName: REDSHIFT.workgroupName });
  const minutes = Math.round((token.expiresAt - emu.clock.now()) / 60_000);
  return check(
    'driver token',
    token.tokenType === 'SUBJECT_TOKEN' && token.token.length > 0 && minutes > 0,
    `${token.tokenType} for ${REDSHIFT.workgroupName}, valid ${minutes} min (value not shown)`,
    'expected a non-empty SUBJECT_TOKEN that has not expired',
  );
});

/** Reads an object inside the user's S3 Access Grant. */
export const s3AllowedStep = step('s3 allowed', async ({ user, session }) => {
  const content = await session.s3.getObject({ ...user.allowed });
  const lines = content.text().trim().split('\n');
  return check(
    's3 allowed',
    lines.length > 1,
    `GetObject s3://${user.allowed.Bucket}/${user.allowed.Key} → ${content.body.length} bytes`,
    'expected the object content',
    lines.map((l) => l.split(',')),
  );
});

/** Reads an object outside every grant of the user: refused with a typed error. */
export const s3DeniedStep = step('s3 denied', async ({ user, session }) => {
  const uri = `s3://${user.denied.Bucket}/${user.denied.Key}`;
  const outcome = await session.s3.getObject({ ...user.denied }).then(
    () => 'allowed',
    (error: unknown) => (isTipError(error) ? error.code : `untyped ${String(error)}`),
  );
  return check(
    's3 denied',
    outcome === 'ERR_ACCESS_DENIED',
    `GetObject ${uri} → ${outcome}`,
    'expected TipError ERR_ACCESS_DENIED',
  );
});

/** `BURST` concurrent requests, each `forToken` + an S3 read: served from the caches. */
export const burstStep = step('burst', async ({ tip, user, token }) => {
  const outcomes = await Promise.allSettled(
    Array.from({ length: BURST }, async () => (await tip.forToken(token)).s3.getObject({ ...user.allowed })),
  );
  const ok = outcomes.filter((o) => o.status === 'fulfilled').length;
  return check(
    'burst',
    ok === BURST,
    `${BURST} concurrent requests (forToken + GetObject) → ${ok} succeeded`,
    `${BURST - ok} requests failed`,
  );
});

/** The steps run for every user, in order (the burst runs after them, counted on its own). */
export const USER_STEPS: readonly Step[] = [
  identityStep,
  athenaStep,
  athenaTableStep,
  redshiftStep,
  driverTokenStep,
  s3AllowedStep,
  s3DeniedStep,
];
