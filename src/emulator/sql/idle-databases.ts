/**
 * Databases a closed SQL engine leaves for the next one in the same process. Booting PGlite costs about
 * 0.3 s of CPU even from this process's snapshot; giving a closed engine's database back takes 40–70 ms
 * of wall time: the session is discarded, every schema and role the engine made is dropped, and the
 * catalog is checked against the one a fresh boot had. A database whose catalog differs in any counted or hashed
 * part is closed, never reused, so no table, row, grant, policy or role reaches the next engine.
 *
 * Off unless {@link reuseClosedSqlDatabases} turns it on: an idle database may keep the process alive for
 * up to 10 s (Postgres's statistics timer, armed by DDL and DML and cleared only by `close()`), which a
 * script that closes its emulator and ends should not wait for. Test runners that start many emulators
 * in one process are what it is for. At most {@link MAX_IDLE} databases wait, each for at most
 * {@link IDLE_MS}.
 */
import type { PGlite } from '@electric-sql/pglite';
import { quoteIdent } from './ident.js';
import { runSimple } from './protocol.js';

/** Most databases kept idle per process. */
const MAX_IDLE = 2;

/** How long an idle database is kept before it is closed, milliseconds. */
const IDLE_MS = 60_000;

/**
 * One digest of the catalog: the row counts of the catalogs where schemas, relations, functions,
 * types, roles, memberships, policies, comments, settings and extensions live, and every privilege,
 * owner and role attribute of what a fresh boot has. Objects made after boot add rows; grants and
 * `ALTER` on boot-time objects change the hashed part.
 */
const CATALOG_DIGEST_SQL = `SELECT md5(concat_ws('|',
  (SELECT count(*) FROM pg_class), (SELECT count(*) FROM pg_proc), (SELECT count(*) FROM pg_type),
  (SELECT count(*) FROM pg_namespace), (SELECT count(*) FROM pg_authid), (SELECT count(*) FROM pg_auth_members),
  (SELECT count(*) FROM pg_attribute), (SELECT count(*) FROM pg_depend), (SELECT count(*) FROM pg_shdepend),
  (SELECT count(*) FROM pg_description), (SELECT count(*) FROM pg_shdescription), (SELECT count(*) FROM pg_policy),
  (SELECT count(*) FROM pg_rewrite), (SELECT count(*) FROM pg_trigger), (SELECT count(*) FROM pg_event_trigger),
  (SELECT count(*) FROM pg_default_acl), (SELECT count(*) FROM pg_db_role_setting), (SELECT count(*) FROM pg_extension),
  (SELECT count(*) FROM pg_largeobject_metadata), (SELECT count(*) FROM pg_publication),
  (SELECT count(*) FROM pg_foreign_data_wrapper), (SELECT count(*) FROM pg_foreign_server),
  (SELECT count(*) FROM pg_cast), (SELECT count(*) FROM pg_operator), (SELECT count(*) FROM pg_language),
  (SELECT count(*) FROM pg_init_privs), (SELECT count(*) FROM pg_statistic_ext), (SELECT count(*) FROM pg_sequence),
  (SELECT string_agg(oid::text || ':' || relowner || ':' || relacl::text, ',' ORDER BY oid) FROM pg_class WHERE relacl IS NOT NULL),
  (SELECT string_agg(oid::text || ':' || proowner || ':' || proacl::text, ',' ORDER BY oid) FROM pg_proc WHERE proacl IS NOT NULL),
  (SELECT string_agg(oid::text || ':' || nspowner || ':' || coalesce(nspacl::text, ''), ',' ORDER BY oid) FROM pg_namespace),
  (SELECT string_agg(d::text, ',' ORDER BY oid) FROM pg_database d),
  (SELECT string_agg(oid::text || ':' || lanowner || ':' || coalesce(lanacl::text, ''), ',' ORDER BY oid) FROM pg_language),
  (SELECT string_agg(oid::text || ':' || typacl::text, ',' ORDER BY oid) FROM pg_type WHERE typacl IS NOT NULL),
  (SELECT string_agg(attrelid::text || ':' || attnum || ':' || attacl::text, ',' ORDER BY attrelid, attnum) FROM pg_attribute WHERE attacl IS NOT NULL),
  (SELECT string_agg(a::text, ',' ORDER BY oid) FROM pg_authid a),
  (SELECT sum(hashtext(objoid || ':' || classoid || ':' || objsubid || ':' || description)) FROM pg_description),
  (SELECT string_agg(s.name || '=' || s.setting, ',' ORDER BY s.name) FROM pg_settings s WHERE s.source NOT IN ('default', 'override', 'command line', 'configuration file'))
)) AS digest`;

/** Schemas a fresh boot has; every other one was made by an engine. */
const BOOT_SCHEMAS = `'pg_catalog', 'information_schema', 'public', 'pg_toast'`;

/** Relations an engine may have put in `public`, with the `DROP` each kind takes. */
const PUBLIC_RELATION_DROPS: Readonly<Record<string, string>> = {
  r: 'TABLE',
  p: 'TABLE',
  v: 'VIEW',
  m: 'MATERIALIZED VIEW',
  S: 'SEQUENCE',
  f: 'FOREIGN TABLE',
};

interface IdleDatabase {
  readonly pg: PGlite;
  readonly timer: NodeJS.Timeout;
}

/**
 * The process's idle databases, its switch and its fresh digest. Kept on `globalThis` under a registered
 * symbol, so every copy of this module in the process shares them: a test runner that gives each test
 * file its own module registry (Vitest's default `isolate: true`) reuses databases across files instead
 * of leaving each file's idle ones behind (about 60 MiB each) until they expire.
 */
interface ProcessState {
  readonly idle: IdleDatabase[];
  reuseOn: boolean;
  freshDigest: string | undefined;
}

const STATE_KEY = Symbol.for('tip-sdk.emulator.idle-sql-databases.v1');
const shared = globalThis as { [STATE_KEY]?: ProcessState };
const state: ProcessState = shared[STATE_KEY] ?? { idle: [], reuseOn: false, freshDigest: undefined };
shared[STATE_KEY] = state;
const idle = state.idle;

/**
 * Lets the emulator's SQL engines (Athena, Redshift) of this process reuse each other's databases: a
 * closed engine's database is reset (every schema, relation in `public` and role it made is dropped,
 * the session discarded) and kept for the next engine only when its catalog then matches a fresh
 * boot's, at most 2 for 60 s. An engine's whole cycle (start, a table, a role, a grant, a row filter, a
 * query, close) then takes about 0.11 s of CPU instead of 0.30 s (`npm run bench -- sql-engines`).
 *
 * Meant for test runners that start many emulators in one process (a Vitest or Jest setup file; every
 * copy of tip-sdk's emulator in the process shares the databases, so a runner that gives each test file
 * its own module registry reuses them across files too). An idle database holds about 60 MiB of
 * memory and can keep the process alive for up to 10 s after its last statement, so a script should
 * leave it off. Off by default; `false` turns it off and closes the idle databases.
 */
export function reuseClosedSqlDatabases(enabled = true): void {
  state.reuseOn = enabled;
  if (!enabled) void closeIdleDatabases();
}

/** Whether {@link reuseClosedSqlDatabases} is on in this process. */
export function reusingClosedSqlDatabases(): boolean {
  return state.reuseOn;
}

/** What {@link giveBack} did with a database, for tests and the record. */
export type GiveBackOutcome = 'kept' | 'closed-differs' | 'closed-full' | 'closed-failed' | 'closed-unknown';

/** An idle database of this process, in the state a fresh boot left it; `undefined` when none waits. */
export function takeIdleDatabase(): PGlite | undefined {
  const entry = idle.pop();
  if (!entry) return undefined;
  clearTimeout(entry.timer);
  return entry.pg;
}

/**
 * Records the catalog digest of a freshly booted database (about 40 ms the first time in a process, then
 * nothing): the state every database given back must return to.
 */
export async function noteFreshDatabase(pg: PGlite): Promise<void> {
  state.freshDigest ??= await catalogDigest(pg);
}

/**
 * Gives a closed engine's database back: resets it and keeps it for the next engine when its catalog is
 * the fresh one again, else closes it. Never throws.
 */
export async function giveBack(pg: PGlite): Promise<GiveBackOutcome> {
  let outcome: GiveBackOutcome;
  try {
    if (state.freshDigest === undefined) outcome = 'closed-unknown';
    else if (idle.length >= MAX_IDLE) outcome = 'closed-full';
    else {
      await reset(pg);
      outcome = (await catalogDigest(pg)) === state.freshDigest ? 'kept' : 'closed-differs';
    }
  } catch {
    outcome = 'closed-failed';
  }
  if (outcome === 'kept' && idle.length < MAX_IDLE) {
    const entry: IdleDatabase = {
      pg,
      timer: setTimeout(() => {
        const at = idle.indexOf(entry);
        if (at >= 0) idle.splice(at, 1);
        void pg.close().catch(() => undefined);
      }, IDLE_MS).unref(),
    };
    idle.push(entry);
    return outcome;
  }
  await pg.close().catch(() => undefined);
  return outcome === 'kept' ? 'closed-full' : outcome;
}

/** Closes every idle database. */
export async function closeIdleDatabases(): Promise<void> {
  const entries = idle.splice(0);
  for (const entry of entries) {
    clearTimeout(entry.timer);
    await entry.pg.close().catch(() => undefined);
  }
}

/** How many databases wait (tests). */
export function idleDatabaseCount(): number {
  return idle.length;
}

async function catalogDigest(pg: PGlite): Promise<string> {
  const result = await runSimple(pg, CATALOG_DIGEST_SQL);
  const digest = result.rows[0]?.[0];
  if (typeof digest !== 'string') throw new Error('no catalog digest');
  return digest;
}

/** Ends any transaction, discards the session, drops every schema, `public` relation and role made. */
async function reset(pg: PGlite): Promise<void> {
  await runSimple(pg, 'ROLLBACK');
  await runSimple(pg, 'DISCARD ALL');
  const schemas = await runSimple(
    pg,
    `SELECT nspname FROM pg_namespace WHERE nspname NOT IN (${BOOT_SCHEMAS}) ` +
      `AND nspname !~ '^pg_(toast_)?temp_' ORDER BY oid`,
  );
  const relations = await runSimple(
    pg,
    `SELECT relname, relkind FROM pg_class WHERE relnamespace = 'public'::regnamespace ` +
      `AND relkind IN (${Object.keys(PUBLIC_RELATION_DROPS)
        .map((k) => `'${k}'`)
        .join(', ')}) ORDER BY oid`,
  );
  const roles = await runSimple(pg, 'SELECT rolname FROM pg_roles WHERE oid >= 16384 ORDER BY oid');
  const drops: string[] = [];
  for (const [name] of schemas.rows) drops.push(`DROP SCHEMA IF EXISTS ${quoteIdent(String(name))} CASCADE`);
  for (const [name, kind] of relations.rows) {
    drops.push(
      `DROP ${PUBLIC_RELATION_DROPS[String(kind)]} IF EXISTS public.${quoteIdent(String(name))} CASCADE`,
    );
  }
  const roleNames = roles.rows.map(([name]) => quoteIdent(String(name)));
  if (roleNames.length > 0) {
    drops.push(`DROP OWNED BY ${roleNames.join(', ')} CASCADE`);
    for (const role of roleNames) drops.push(`DROP ROLE ${role}`);
  }
  if (drops.length > 0) await runSimple(pg, drops.join(';\n'));
}
