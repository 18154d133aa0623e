import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  bootPglite,
  defaultSnapshotPath,
  pgliteVersion,
  readSnapshotFile,
  resetMemorySnapshot,
} from '../../../src/emulator/sql/boot.js';

const dir = mkdtempSync(join(tmpdir(), 'tip-sql-boot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('snapshot boot', () => {
  it('names the default snapshot after the installed PGlite version', () => {
    expect(pgliteVersion()).toMatch(/^\d+\.\d+\.\d+/);
    expect(defaultSnapshotPath()).toBe(join(tmpdir(), `tip-sdk-pglite-${pgliteVersion()}-2.tar.gz`));
  });

  it('falls back to initdb on a corrupt file (once for two boots at once), rewrites it, then boots from the file and from memory', async () => {
    const path = join(dir, 'snapshot.tar.gz');
    writeFileSync(path, Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.alloc(200_000, 7)]));
    resetMemorySnapshot();

    // Two boots at once on a fresh machine: one runs initdb under the lock, the other waits for its file.
    const both = await Promise.all([bootPglite({ snapshotPath: path }), bootPglite({ snapshotPath: path })]);
    expect(both.map((b) => b.source).sort()).toEqual(['file-snapshot', 'initdb']);
    expect(existsSync(`${path}.lock`)).toBe(false);
    const first = both.find((b) => b.source === 'initdb')!;
    await both.find((b) => b !== first)!.pg.close();
    const written = readFileSync(path);
    expect(written.length).toBeGreaterThan(1_000_000);
    expect([written[0], written[1]]).toEqual([0x1f, 0x8b]);
    expect(readFileSync(`${path}.sha256`, 'utf8')).toMatch(/^[0-9a-f]{64}$/);
    // The template databases are dropped before the dump: only PGlite's `postgres` is left.
    const databases = 'SELECT datname FROM pg_database ORDER BY 1';
    expect((await first.pg.query(databases)).rows).toEqual([{ datname: 'postgres' }]);
    await first.pg.query('CREATE TABLE only_in_first (x int)');
    expect((await first.pg.query('SHOW shared_buffers')).rows).toEqual([{ shared_buffers: '16MB' }]);
    await first.pg.close();

    resetMemorySnapshot();
    const second = await bootPglite({ snapshotPath: path });
    expect(second.source).toBe('file-snapshot');
    expect((await second.pg.query('SHOW shared_buffers')).rows).toEqual([{ shared_buffers: '16MB' }]);
    // The snapshot is the fresh data directory, not the state of an earlier instance.
    expect((await second.pg.query(`SELECT to_regclass('only_in_first') AS t`)).rows).toEqual([{ t: null }]);
    expect((await second.pg.query(databases)).rows).toEqual([{ datname: 'postgres' }]);
    await second.pg.close();

    const third = await bootPglite({ snapshotPath: false });
    expect(third.source).toBe('memory-snapshot');
    expect((await third.pg.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    expect((await third.pg.query(databases)).rows).toEqual([{ datname: 'postgres' }]);
    // Every path starts Postgres with the small buffer pool (the 128 MB default is zeroed at each start).
    expect((await third.pg.query('SHOW shared_buffers')).rows).toEqual([{ shared_buffers: '16MB' }]);
    await third.pg.close();
    // Timings for the record (not asserted).
    console.info(`pglite boot ms: initdb=${first.bootMs} file=${second.bootMs} memory=${third.bootMs}`);
    // A real initdb plus a dump: several seconds alone, far more on a 2-core machine shared by test runs.
  }, 120_000);

  it('ignores a file whose digest does not match', async () => {
    const path = join(dir, 'snapshot.tar.gz');
    const bytes = readFileSync(path);
    bytes[bytes.length - 100] = (bytes[bytes.length - 100]! + 1) % 256;
    expect(await readSnapshotFile(path)).toBeInstanceOf(Blob);
    writeFileSync(path, bytes);
    expect(await readSnapshotFile(path)).toBeUndefined();
    rmSync(`${path}.sha256`);
    expect(await readSnapshotFile(path)).toBeUndefined();
    expect(await readSnapshotFile(join(dir, 'missing.tar.gz'))).toBeUndefined();
  });

  it('ignores a truncated file', async () => {
    const path = join(dir, 'short.tar.gz');
    writeFileSync(path, 'not a tarball');
    const boot = await bootPglite({ snapshotPath: path });
    // The process already holds a memory snapshot, which wins over the file.
    expect(boot.source).toBe('memory-snapshot');
    await boot.pg.close();
    expect(readFileSync(path, 'utf8')).toBe('not a tarball');
  });
});
