import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { catalogDigest } from '../../../src/emulator/athena/catalog.js';
import { createAthenaService } from '../../../src/emulator/athena/service.js';
import { layoutDigest, layoutProven } from '../../../src/emulator/sql/layout-memo.js';
import { athenaSection, testConfig, testRuntime } from '../athena/helpers.js';

/** An Athena catalog no other file lays out, so this process has not proven it yet. */
function freshCatalog(rowFilter = "region = 'eu'") {
  const table = `memo.t_${randomUUID().replaceAll('-', '')}`;
  return testConfig(
    athenaSection({
      tables: [
        {
          name: table,
          columns: [
            { name: 'id', type: 'integer' },
            { name: 'region', type: 'varchar(8)' },
          ],
          rows: [
            [1, 'eu'],
            [2, 'us'],
          ],
        },
      ],
      grants: [{ principal: 'group:analysts', table, rowFilter }],
    }),
  );
}

describe('layout memo', () => {
  it('names a layout by every member, Maps and Sets included', () => {
    const a = layoutDigest('redshift', { schemas: new Map([['public', 'public']]) });
    const b = layoutDigest('redshift', { schemas: new Map([['public', 'sales']]) });
    const c = layoutDigest('redshift', { roles: new Set(['x']) });
    const d = layoutDigest('redshift', { roles: new Set(['y']) });
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(
      new Set([a, b, c, d, layoutDigest('athena', { schemas: new Map([['public', 'public']]) })]).size,
    ).toBe(5);
    expect(layoutDigest('redshift', { schemas: new Map([['public', 'public']]) })).toBe(a);
  });

  it('proves a catalog at the first start; a later start of it boots on the first query, laid out', async () => {
    const config = freshCatalog();
    const digest = catalogDigest(config);
    expect(layoutProven(digest)).toBe(false);
    const table = config.athena.tables[0]!.name;
    // What a laid-out catalog holds: the rows, and the row filter as policies on the table.
    const contents = async (svc: Awaited<ReturnType<typeof createAthenaService>>) => {
      const engine = await svc.admin.engine();
      const rows = await engine.admin(`SELECT id, region FROM ${table} ORDER BY id`);
      const policies = await engine.admin(
        `SELECT policyname, cmd, qual FROM pg_policies WHERE schemaname = 'memo' AND tablename = $1 ORDER BY 1`,
        [table.split('.')[1]],
      );
      return { rows: rows.rows, policies: policies.rows };
    };
    const first = await createAthenaService(testRuntime(config));
    expect(layoutProven(digest)).toBe(true);
    const laidOut = await contents(first);
    await first.close?.();
    expect(laidOut.rows).toEqual([
      [1, 'eu'],
      [2, 'us'],
    ]);
    expect(laidOut.policies.length).toBeGreaterThan(0);

    const second = await createAthenaService(testRuntime(config));
    try {
      expect(await contents(second)).toEqual(laidOut);
    } finally {
      await second.close?.();
    }
  }, 60_000);

  it('does not prove a catalog the database refuses: every start fails', async () => {
    const config = freshCatalog("region = = 'eu'");
    for (let i = 0; i < 2; i++) {
      await expect(createAthenaService(testRuntime(config))).rejects.toThrow(/syntax/i);
      expect(layoutProven(catalogDigest(config))).toBe(false);
    }
  }, 60_000);
});
