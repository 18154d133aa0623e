import { createHash, randomBytes } from 'node:crypto';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { PGlite } from '@electric-sql/pglite';
import { withFileLock } from '../../connector/token-cache/lock.js';
import { loadPglite } from './load-pglite.js';

/**
 * How a PGlite instance was booted; `reused` is a database an earlier SQL engine of this process gave
 * back (see `idle-databases.ts`).
 */
export type BootSource = 'memory-snapshot' | 'file-snapshot' | 'initdb' | 'reused';

/** A booted PGlite with how it was made and how long it took. */
export interface BootResult {
  readonly pg: PGlite;
  readonly source: BootSource;
  /** Wall time of the boot, milliseconds. */
  readonly bootMs: number;
}

/** Options of {@link bootPglite}. */
export interface BootOptions {
  /**
   * Where to persist the data-dir snapshot between processes: a file path, or `false` to keep it in
   * memory only. Default `os.tmpdir()/tip-sdk-pglite-<pglite version>-<format>.tar.gz`.
   */
  readonly snapshotPath?: string | false;
}

/**
 * How long a process waits for another's initdb and snapshot write before running its own, and the age at
 * which that process's lock counts as abandoned, milliseconds. initdb takes 5–10 s of CPU.
 */
const INITDB_WAIT_MS = 60_000;

/** Smallest plausible snapshot, bytes; anything shorter is a truncated write. */
const MIN_SNAPSHOT_BYTES = 100_000;

/**
 * Postgres's shared buffer pool. Its default, 128 MB, is zeroed at every start (about 0.15 s of CPU);
 * the emulator's tables are a few pages each, and a page that does not fit is read back from the
 * in-memory file system.
 */
const SHARED_BUFFERS = '16MB';

/**
 * Run once after initdb, before the data directory is dumped: the emulator uses only the `postgres`
 * database (PGlite's default) and never `CREATE DATABASE`, so the two template databases, 576 of the
 * directory's 972 files and 15 of its 40 MB, are dropped. Every later boot unpacks the smaller tar:
 * about 0.1 s less CPU each.
 */
const SLIM_DATA_DIR = [
  'ALTER DATABASE template0 IS_TEMPLATE false',
  'ALTER DATABASE template1 IS_TEMPLATE false',
  'DROP DATABASE template0',
  'DROP DATABASE template1',
  'CHECKPOINT',
];

/** Snapshot format, part of the snapshot file's name: 2 is the data directory without the templates. */
const SNAPSHOT_FORMAT = 2;

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/**
 * The fresh data directory as an uncompressed tar (about 25 MB, off the JS heap). Kept uncompressed
 * because inflating the 4.5 MB gzip costs about 0.15 s of CPU at every boot.
 */
let memorySnapshot: Promise<Blob> | undefined;

/**
 * Boots PGlite quickly: from this process's in-memory snapshot if there is one, else from the snapshot
 * file (validated; an unreadable file falls back to initdb), else by initdb, after which the fresh data
 * directory is dumped to memory and written atomically to the snapshot file for the next process. initdb
 * runs under a lock file beside the snapshot (`<path>.lock`): processes that need it at once wait for the
 * first one's file instead of each running initdb.
 */
export async function bootPglite(options: BootOptions = {}): Promise<BootResult> {
  const started = Date.now();
  const { PGlite } = await loadPglite();
  const path = options.snapshotPath === undefined ? defaultSnapshotPath() : options.snapshotPath;
  const startParams = [
    ...PGlite.defaultStartParams,
    '-c',
    `shared_buffers=${SHARED_BUFFERS}`,
    // Its 10 s timer is armed at start and kept armed under PGlite: an engine left open kept the
    // process alive. (The statistics timer, armed by DDL and DML, fires once; `close()` clears both.)
    '-c',
    'log_startup_progress_interval=0',
  ];
  if (memorySnapshot) {
    const snapshot = await memorySnapshot.catch(() => undefined);
    if (snapshot) {
      const pg = await PGlite.create({ loadDataDir: snapshot, startParams });
      return { pg, source: 'memory-snapshot', bootMs: Date.now() - started };
    }
  }
  if (path) {
    const fromFile = await bootFromFile(path, startParams, started);
    if (fromFile) return fromFile;
  }
  if (path) {
    // One process at a time runs initdb and writes the file; the others wait, then boot from it: on a fresh
    // machine several emulators or test workers starting at once would each spend seconds of CPU on initdb.
    let locked = false;
    try {
      return await withFileLock(
        `${path}.lock`,
        async () => {
          locked = true;
          // Written by the process this one waited for.
          return (
            (await bootFromFile(path, startParams, started)) ??
            (await initdb(PGlite, startParams, path, started))
          );
        },
        { timeoutMs: INITDB_WAIT_MS, staleMs: INITDB_WAIT_MS },
      );
    } catch (error) {
      // A lock that cannot be taken (an unwritable directory, a holder that never finishes) is no lock.
      if (locked) throw error;
    }
  }
  return initdb(PGlite, startParams, path, started);
}

/** Boots from the snapshot file and keeps its data directory in memory; `undefined` when it is unusable. */
async function bootFromFile(
  path: string,
  startParams: string[],
  started: number,
): Promise<BootResult | undefined> {
  const fromFile = await loadFromFile(path, startParams);
  if (!fromFile) return undefined;
  memorySnapshot ??= Promise.resolve(fromFile.snapshot);
  return { pg: fromFile.pg, source: 'file-snapshot', bootMs: Date.now() - started };
}

/** Runs initdb, keeps the fresh data directory in memory and writes it to `path` for the next process. */
async function initdb(
  PGlite: Awaited<ReturnType<typeof loadPglite>>['PGlite'],
  startParams: string[],
  path: string | false,
  started: number,
): Promise<BootResult> {
  const pg = await PGlite.create({ startParams });
  const dump = slim(pg).then(() => pg.dumpDataDir('none'));
  memorySnapshot ??= dump;
  const snapshot = await dump;
  if (path) await writeSnapshot(path, snapshot).catch(() => undefined);
  return { pg, source: 'initdb', bootMs: Date.now() - started };
}

async function slim(pg: PGlite): Promise<void> {
  for (const statement of SLIM_DATA_DIR) await pg.exec(statement);
}

async function loadFromFile(
  path: string,
  startParams: string[],
): Promise<{ pg: PGlite; snapshot: Blob } | undefined> {
  const compressed = await readSnapshotFile(path);
  if (!compressed) return undefined;
  const { PGlite } = await loadPglite();
  try {
    const tar = await gunzipAsync(new Uint8Array(await compressed.arrayBuffer()));
    const snapshot = new Blob([new Uint8Array(tar.buffer, tar.byteOffset, tar.byteLength)], {
      type: 'application/x-tar',
    });
    const pg = await PGlite.create({ loadDataDir: snapshot, startParams });
    await pg.query('SELECT 1');
    return { pg, snapshot };
  } catch {
    return undefined;
  }
}

/**
 * Reads and validates a snapshot file: gzip magic, plausible size, and the SHA-256 digest in
 * `<path>.sha256`. PGlite's loader cannot recover from a corrupt stream (it rejects unhandled), so a
 * file is only used when its digest matches. Undefined when missing or invalid.
 */
export async function readSnapshotFile(path: string): Promise<Blob | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch {
    return undefined;
  }
  if (bytes.length < MIN_SNAPSHOT_BYTES || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return undefined;
  const digest = await readFile(`${path}.sha256`, 'utf8').catch(() => '');
  if (digest.trim() !== sha256(bytes)) return undefined;
  return new Blob([new Uint8Array(bytes)], { type: 'application/x-gzip' });
}

/** Writes the uncompressed `snapshot` to `path`, gzipped, with its digest beside it. */
async function writeSnapshot(path: string, snapshot: Blob): Promise<void> {
  const bytes = new Uint8Array(await gzipAsync(new Uint8Array(await snapshot.arrayBuffer())));
  const suffix = `${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const temp = `${path}.${suffix}`;
  const tempDigest = `${path}.sha256.${suffix}`;
  try {
    await writeFile(temp, bytes, { mode: 0o600 });
    await writeFile(tempDigest, sha256(bytes), { mode: 0o600 });
    // Two writers may interleave; a mismatched pair is then rejected on read and initdb runs again.
    await rename(tempDigest, `${path}.sha256`);
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    await unlink(tempDigest).catch(() => undefined);
    throw error;
  }
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * `os.tmpdir()/tip-sdk-pglite-<version>-<format>.tar.gz`, or `false` when the PGlite version cannot be
 * read.
 */
export function defaultSnapshotPath(): string | false {
  const version = pgliteVersion();
  return version ? join(tmpdir(), `tip-sdk-pglite-${version}-${SNAPSHOT_FORMAT}.tar.gz`) : false;
}

let cachedVersion: string | null | undefined;

/** The installed PGlite version (snapshots are only valid for the build that wrote them). */
export function pgliteVersion(): string | undefined {
  if (cachedVersion !== undefined) return cachedVersion ?? undefined;
  cachedVersion = null;
  try {
    // Works from both the ESM and the CJS build (the CJS build has no import.meta.url).
    const base = typeof __filename === 'string' ? __filename : import.meta.url;
    let dir = dirname(createRequire(base).resolve('@electric-sql/pglite'));
    for (let i = 0; i < 4; i++) {
      try {
        const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
          name?: string;
          version?: string;
        };
        if (pkg.name === '@electric-sql/pglite' && typeof pkg.version === 'string') {
          cachedVersion = /^[\w.-]{1,40}$/.test(pkg.version) ? pkg.version : null;
          break;
        }
      } catch {
        // not this directory
      }
      dir = dirname(dir);
    }
  } catch {
    cachedVersion = null;
  }
  return cachedVersion ?? undefined;
}

/** Forgets the in-memory snapshot (tests of the boot paths). */
export function resetMemorySnapshot(): void {
  memorySnapshot = undefined;
}
