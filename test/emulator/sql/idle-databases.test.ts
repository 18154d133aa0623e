import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bootPglite } from '../../../src/emulator/sql/boot.js';
import { createSqlEngine } from '../../../src/emulator/sql/engine.js';
import type { SqlEngine } from '../../../src/emulator/sql/types.js';
import {
  closeIdleDatabases,
  idleDatabaseCount,
  reuseClosedSqlDatabases,
  reusingClosedSqlDatabases,
} from '../../../src/emulator/sql/idle-databases.js';

// Files of a worker share this process's idle databases: the file starts from none, with reuse on, and
// its tests run in order, each from the idle databases the one before left (every boot costs 0.3 s).
const suiteSetting = reusingClosedSqlDatabases();
beforeAll(async () => {
  reuseClosedSqlDatabases(true);
  await closeIdleDatabases();
});
afterAll(async () => {
  await closeIdleDatabases();
  reuseClosedSqlDatabases(suiteSetting);
});

const ROLE = 'AWSIDC:alice@example.com';

/** Lays out what an Athena or Redshift emulation makes: schemas, a table with rows, roles, grants, a filter. */
async function dirty(engine: SqlEngine): Promise<void> {
  await engine.createTable('sales', {
    name: 'orders',
    columns: [
      { name: 'id', type: 'int' },
      { name: 'region', type: 'varchar' },
    ],
    rows: [
      [1, 'eu'],
      [2, 'us'],
    ],
  });
  await engine.ensureRole(ROLE);
  await engine.ensureRole('analysts');
  await engine.grantRoleTo('analysts', ROLE);
  await engine.grantSelect('sales', 'orders', ROLE);
  await engine.setRowFilter('sales', 'orders', ROLE, "region = 'eu'");
  await engine.admin('CREATE TABLE public.leftover (x int); CREATE SEQUENCE public.counter');
  await engine.admin(`GRANT SELECT ON public.leftover TO "${ROLE}"`);
  expect((await engine.runAs(ROLE, 'SELECT id FROM sales.orders')).rows).toEqual([[1]]);
}

async function count(engine: SqlEngine, sql: string): Promise<number> {
  return Number((await engine.admin(sql)).rows[0]?.[0]);
}

describe('databases given back by closed engines', () => {
  it('reuses a closed engine’s database with none of its schemas, rows, roles, grants, policies or history', async () => {
    const first = await createSqlEngine();
    expect(first.boot.source).not.toBe('reused');
    const fresh = {
      schemas: await count(first, 'SELECT count(*) FROM pg_namespace'),
      relations: await count(first, 'SELECT count(*) FROM pg_class'),
    };
    await dirty(first);
    await first.close();
    expect(idleDatabaseCount()).toBe(1);

    const second = await createSqlEngine();
    expect(second.boot.source).toBe('reused');
    expect(idleDatabaseCount()).toBe(0);
    expect(
      await count(
        second,
        "SELECT count(*) FROM pg_roles WHERE rolname IN ('analysts', 'AWSIDC:alice@example.com')",
      ),
    ).toBe(0);
    expect(await count(second, 'SELECT count(*) FROM pg_policy')).toBe(0);
    expect(await count(second, "SELECT count(*) FROM pg_namespace WHERE nspname = 'sales'")).toBe(0);
    expect(
      await count(second, "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace"),
    ).toBe(0);
    expect(await count(second, 'SELECT count(*) FROM pg_namespace')).toBe(fresh.schemas);
    expect(await count(second, 'SELECT count(*) FROM pg_class')).toBe(fresh.relations);
    expect(await second.history()).toEqual([]);
    // The role is gone with its grants: the same statement now fails as for any unknown role.
    await expect(second.runAs(ROLE, 'SELECT 1')).rejects.toMatchObject({ code: '22023' });
    // A run as a role the engine made but did not grant sees nothing: no grant came along.
    await second.ensureRole(ROLE);
    await expect(second.runAs(ROLE, 'SELECT 1 FROM pg_class LIMIT 1')).resolves.toBeDefined();
    await expect(second.runAs(ROLE, 'SELECT 1 FROM public.leftover')).rejects.toMatchObject({
      code: '42P01',
    });
    // The reused database is hardened: a propagated role still cannot call set_config.
    await expect(
      second.runAs(ROLE, "SELECT pg_catalog.set_config('role', 'postgres', true)"),
    ).rejects.toMatchObject({ code: '42501' });
    await dirty(second);
    expect((await second.history()).map((h) => h.status)).toEqual([
      'failed',
      'success',
      'failed',
      'failed',
      'success',
    ]);
    await second.close();
    expect(idleDatabaseCount()).toBe(1);
  }, 60_000);

  it('shares its idle databases with every copy of this module in the process', async () => {
    expect(idleDatabaseCount()).toBe(1);
    // A second copy of the module, as a test runner that gives each file its own registry loads it.
    const specifier = './../../../src/emulator/sql/idle-databases.ts?second-copy';
    const copy = (await import(
      /* @vite-ignore */ specifier
    )) as typeof import('../../../src/emulator/sql/idle-databases.js');
    expect(copy.idleDatabaseCount).not.toBe(idleDatabaseCount);
    expect(copy.reusingClosedSqlDatabases()).toBe(true);
    expect(copy.idleDatabaseCount()).toBe(1);
    const taken = copy.takeIdleDatabase();
    expect(taken).toBeDefined();
    expect(idleDatabaseCount()).toBe(0);
    expect(await copy.giveBack(taken!)).toBe('kept');
    expect(idleDatabaseCount()).toBe(1);
  }, 60_000);

  it('keeps at most two databases', async () => {
    expect(idleDatabaseCount()).toBe(1);
    const engines = await Promise.all([createSqlEngine(), createSqlEngine(), createSqlEngine()]);
    for (const engine of engines) await engine.close();
    expect(idleDatabaseCount()).toBe(2);
  }, 60_000);

  it('does not keep or take databases with reuseDatabases: false', async () => {
    expect(idleDatabaseCount()).toBe(2);
    const own = await createSqlEngine({ reuseDatabases: false });
    expect(own.boot.source).not.toBe('reused');
    expect(idleDatabaseCount()).toBe(2);
    await own.close();
    expect(idleDatabaseCount()).toBe(2);
    await expect(own.runAs(ROLE, 'SELECT 1')).rejects.toMatchObject({ code: '08003' });
  }, 60_000);

  it('closes, never reuses, a database whose catalog the reset cannot bring back', async () => {
    expect(idleDatabaseCount()).toBe(2);
    const cases = [
      // A function in public is not among what the reset drops (a counted catalog).
      'CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$',
      // A privilege on a boot-time object, granted to PUBLIC (a hashed privilege).
      'GRANT EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) TO PUBLIC',
      // A comment on a boot-time object (a hashed comment).
      "COMMENT ON FUNCTION pg_catalog.now() IS 'changed'",
    ];
    for (const [i, sql] of cases.entries()) {
      const engine = await createSqlEngine();
      // The first two take the databases the tests before left; the third finds none left to take.
      expect(engine.boot.source === 'reused', sql).toBe(i < 2);
      await engine.admin(sql);
      await engine.close();
      expect(idleDatabaseCount(), sql).toBe(Math.max(0, 1 - i));
    }
  }, 120_000);

  it('is off unless turned on for the process, and turning it off closes the idle databases', async () => {
    const kept = await createSqlEngine();
    await kept.close();
    expect(idleDatabaseCount()).toBe(1);
    reuseClosedSqlDatabases(false);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(idleDatabaseCount()).toBe(0);
    const engine = await createSqlEngine();
    expect(engine.boot.source).not.toBe('reused');
    await engine.close();
    expect(idleDatabaseCount()).toBe(0);
    reuseClosedSqlDatabases(true);
  }, 60_000);

  it('boots a database that arms no timer of its own, and close() clears the one DDL arms', async () => {
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    const clearTimeoutSpy = vi.spyOn(globalThis, 'clearTimeout');
    const long = () => setTimeoutSpy.mock.calls.filter(([, ms]) => Number(ms) >= 1_000).length;
    try {
      // Postgres's startup progress timer, kept armed under PGlite, would keep an unclosed database's
      // process alive for ever.
      const { pg } = await bootPglite();
      await pg.query('SELECT 1');
      expect(long()).toBe(0);
      // DDL arms the 10 s statistics timer; close() clears it.
      await pg.query('CREATE TABLE public.t (x int)');
      expect(long()).toBe(1);
      const cleared = clearTimeoutSpy.mock.calls.length;
      await pg.close();
      expect(clearTimeoutSpy.mock.calls.length).toBeGreaterThan(cleared);
    } finally {
      setTimeoutSpy.mockRestore();
      clearTimeoutSpy.mockRestore();
    }
  }, 60_000);
});
