import { randomBytes, randomUUID } from 'node:crypto';
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { catalogDigest } from '../../../src/emulator/athena/catalog.js';
import { createAthenaService } from '../../../src/emulator/athena/service.js';
import { pgliteVersion } from '../../../src/emulator/sql/boot.js';
import {
  MAX_LAYOUTS,
  createLayoutMemo,
  defaultLayoutMemoPath,
  layoutDigest,
  layoutProven,
} from '../../../src/emulator/sql/layout-memo.js';
import { packageVersion } from '../../../src/package-version.js';
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

const dir = mkdtempSync(join(tmpdir(), 'tip-layout-memo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const digest = () => randomBytes(32).toString('hex');
let files = 0;
const memoFile = () => join(dir, `memo-${files++}.txt`);

describe('layout memo file', () => {
  it('is shared by the processes of one user: what one proves, another finds', () => {
    const path = memoFile();
    const [a, b] = [createLayoutMemo(path), createLayoutMemo(path)];
    const [d1, d2] = [digest(), digest()];
    expect(b.proven(d1)).toBe(false);
    a.mark(d1);
    expect(b.proven(d1)).toBe(true);
    b.mark(d2);
    expect(a.proven(d2)).toBe(true);
    expect(createLayoutMemo(path).proven(digest())).toBe(false);
    expect(readFileSync(path, 'latin1')).toBe(`${d1}\n${d2}\n`);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    // Memory only: nothing is written, and another memo finds nothing.
    const alone = createLayoutMemo(false);
    alone.mark(d1);
    expect(alone.proven(d1)).toBe(true);
  });

  it('reads only whole digest lines of a regular file of bounded size', () => {
    const good = digest();
    const cases: [string, (path: string) => void, boolean][] = [
      ['a digest among junk lines', (p) => writeFileSync(p, `junk\n${good}\n${good.toUpperCase()}\n`), true],
      ['a digest with trailing text', (p) => writeFileSync(p, `${good} extra\n`), false],
      [
        'a digest split over lines',
        (p) => writeFileSync(p, `${good.slice(0, 30)}\n${good.slice(30)}\n`),
        false,
      ],
      ['a digest in CRLF lines', (p) => writeFileSync(p, `${good}\r\n`), false],
      ['binary garbage', (p) => writeFileSync(p, randomBytes(4096)), false],
      ['a directory', (p) => mkdirSync(p), false],
      [
        'a link to a file holding the digest',
        (p) => {
          const target = `${p}.target`;
          writeFileSync(target, `${good}\n`);
          symlinkSync(target, p);
        },
        false,
      ],
      ['more lines than the memo keeps', (p) => writeFileSync(p, `${good}\n`.repeat(MAX_LAYOUTS + 1)), false],
    ];
    for (const [name, make, found] of cases) {
      const path = memoFile();
      make(path);
      expect([name, createLayoutMemo(path).proven(good)]).toEqual([name, found]);
    }
  });

  it('never writes through a link, and starts over when full', () => {
    const link = memoFile();
    const target = `${link}.target`;
    writeFileSync(target, 'precious\n');
    symlinkSync(target, link);
    createLayoutMemo(link).mark(digest());
    expect(readFileSync(target, 'utf8')).toBe('precious\n');

    const path = memoFile();
    const old = Array.from({ length: MAX_LAYOUTS }, digest);
    writeFileSync(path, old.map((d) => `${d}\n`).join(''));
    expect(createLayoutMemo(path).proven(old[7]!)).toBe(true);
    const next = digest();
    createLayoutMemo(path).mark(next);
    expect(readFileSync(path, 'latin1')).toBe(`${next}\n`);
  });

  it('finds exactly the digests written as lines, whatever else the file holds (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string({ maxLength: 80 }), fc.stringMatching(/^[0-9a-f]{64}$/)), {
          maxLength: 20,
        }),
        fc.stringMatching(/^[0-9a-f]{64}$/),
        (lines, probe) => {
          const path = memoFile();
          writeFileSync(path, lines.join('\n'));
          const expected = lines.some((l) => l === probe);
          expect(createLayoutMemo(path).proven(probe)).toBe(expected);
          for (const l of lines)
            if (/^[0-9a-f]{64}$/.test(l)) expect(createLayoutMemo(path).proven(l)).toBe(true);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('is named for the user and both versions, or set by TIP_EMULATOR_LAYOUT_MEMO', () => {
    expect(defaultLayoutMemoPath({})).toBe(
      join(tmpdir(), `tip-sdk-layouts-${process.getuid?.()}-${packageVersion()}-${pgliteVersion()}.txt`),
    );
    expect(packageVersion()).toMatch(/^\d+\.\d+\.\d+/);
    expect(defaultLayoutMemoPath({ TIP_EMULATOR_LAYOUT_MEMO: 'off' })).toBe(false);
    expect(defaultLayoutMemoPath({ TIP_EMULATOR_LAYOUT_MEMO: '/x/memo.txt' })).toBe('/x/memo.txt');
  });
});

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

  it('a catalog another process proved (in the memo file) starts without a boot: a refused one then fails at its first query', async () => {
    const config = freshCatalog("region = = 'eu'");
    const path = defaultLayoutMemoPath();
    if (path === false) throw new Error('no memo file here');
    // What another process's markLayoutProven writes (here: a layout that would not have been proven).
    appendFileSync(path, `${catalogDigest(config)}\n`);
    expect(layoutProven(catalogDigest(config))).toBe(true);
    const svc = await createAthenaService(testRuntime(config));
    try {
      await expect(svc.admin.engine()).rejects.toThrow(/syntax/i);
    } finally {
      await svc.close?.();
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
