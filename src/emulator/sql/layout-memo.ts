/**
 * Which SQL layouts have been applied without an error. A layout is the DDL an emulator derives from its
 * configuration (tables, roles, grants, row filters); the same layout always gives the same database. The
 * first emulator of a layout boots its engine at start, so a configuration the database refuses fails the
 * start; later emulators of a layout already proven start without an engine and boot it on their first
 * query — most emulators of a test run or a script that restarts never query.
 *
 * A layout proven in this process is remembered in memory; one proven by any process of the same user,
 * tip-sdk version and PGlite version is also remembered in a small file beside PGlite's data-dir snapshot
 * (`os.tmpdir()/tip-sdk-layouts-<uid>-<tip-sdk version>-<PGlite version>.txt`, one SHA-256 digest per
 * line, mode 0600), so a second `tip-sdk emulator`, or a test file in another worker process, starts in
 * a few tenths of a second instead of booting PGlite only to prove the same layout again.
 * `TIP_EMULATOR_LAYOUT_MEMO=off` turns the file off (every process then proves its layouts again); a path
 * puts it elsewhere. The file is a hint, never trusted for more: a line that is not a digest is skipped, a
 * file that is not a regular file of this user or is larger than {@link MAX_LAYOUTS} lines is ignored, and
 * failures to read or write it only cost the boot it would have saved.
 *
 * @module
 */
import { hash, randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageVersion } from '../../package-version.js';
import { pgliteVersion } from './boot.js';

/** Layouts remembered at most, in memory and in the file; past it each starts over. */
export const MAX_LAYOUTS = 1000;

/** One line of the file: a SHA-256 digest in hex and a newline. */
const LINE_BYTES = 65;
const DIGEST = /^[0-9a-f]{64}$/;

/** Which layouts were applied without an error (see the module documentation). */
export interface LayoutMemo {
  /** Whether the layout with this digest was applied without an error, here or by an earlier process. */
  proven(digest: string): boolean;
  /** Records that the layout with this digest was applied without an error. */
  mark(digest: string): void;
}

/** JSON with the members of Maps and Sets written out (JSON.stringify writes both as `{}`). */
function layoutJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v instanceof Map ? { map: [...v] } : v instanceof Set ? { set: [...v] } : v,
  );
}

/** The digest naming a layout of `kind` ('athena', 'redshift') described by `value` (SHA-256, hex). */
export function layoutDigest(kind: string, value: unknown): string {
  return hash('sha256', `${kind}\n${layoutJson(value)}`, 'hex');
}

/** True when `info` is a regular file this process's user owns (where users exist). */
function ownFile(info: { isFile(): boolean; uid: number }): boolean {
  const uid = process.getuid?.();
  return info.isFile() && (uid === undefined || info.uid === uid);
}

/** The digests in the file at `path`; none when it is missing, foreign, oversized or unreadable. */
function readDigests(path: string): Set<string> {
  try {
    const info = lstatSync(path);
    if (!ownFile(info) || info.size > MAX_LAYOUTS * LINE_BYTES) return new Set();
    return new Set(
      readFileSync(path, 'latin1')
        .split('\n')
        .filter((line) => DIGEST.test(line)),
    );
  } catch {
    return new Set();
  }
}

/** Appends `digest` to the file at `path` (never through a link); starts the file over when it is full. */
function appendDigest(path: string, digest: string): void {
  try {
    let full = false;
    try {
      full = lstatSync(path).size + LINE_BYTES > MAX_LAYOUTS * LINE_BYTES;
    } catch {
      // Not there yet: created below.
    }
    if (full) {
      // A new file renamed over the old one: a reader sees one or the other, whole.
      const next = `${path}.${randomBytes(6).toString('hex')}`;
      const fd = openSync(next, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
      try {
        writeSync(fd, `${digest}\n`);
      } finally {
        closeSync(fd);
      }
      renameSync(next, path);
      return;
    }
    const fd = openSync(
      path,
      constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0),
      0o600,
    );
    try {
      // One write of one line to a file opened for appending: lines of processes writing at once do not mix.
      if (ownFile(fstatSync(fd))) writeSync(fd, `${digest}\n`);
    } finally {
      closeSync(fd);
    }
  } catch {
    // The next process proves the layout again.
  }
}

/**
 * A memo kept in memory and, unless `path` is `false`, in the file at `path` that processes share.
 *
 * @param path - The file; `false` for this process's memory only.
 */
export function createLayoutMemo(path: string | false): LayoutMemo {
  const applied = new Set<string>();
  return {
    proven(digest) {
      if (applied.has(digest)) return true;
      if (path === false || !readDigests(path).has(digest)) return false;
      applied.add(digest);
      return true;
    },
    mark(digest) {
      if (applied.size >= MAX_LAYOUTS) applied.clear();
      applied.add(digest);
      if (path !== false) appendDigest(path, digest);
    },
  };
}

/**
 * The memo file's path: `TIP_EMULATOR_LAYOUT_MEMO` when set (`off` for none), else
 * `os.tmpdir()/tip-sdk-layouts-<uid>-<tip-sdk version>-<PGlite version>.txt`; `false` when a version
 * cannot be read.
 */
export function defaultLayoutMemoPath(env: NodeJS.ProcessEnv = process.env): string | false {
  const setting = env.TIP_EMULATOR_LAYOUT_MEMO;
  if (setting === 'off') return false;
  if (setting !== undefined && setting !== '') return setting;
  const tip = packageVersion();
  const pglite = pgliteVersion();
  if (tip === 'unknown' || pglite === undefined) return false;
  return join(tmpdir(), `tip-sdk-layouts-${process.getuid?.() ?? 'user'}-${tip}-${pglite}.txt`);
}

let memo: LayoutMemo | undefined;

/** Whether the layout with this digest was applied without an error (this process's memo). */
export function layoutProven(digest: string): boolean {
  memo ??= createLayoutMemo(defaultLayoutMemoPath());
  return memo.proven(digest);
}

/** Records that the layout with this digest was applied without an error (this process's memo). */
export function markLayoutProven(digest: string): void {
  memo ??= createLayoutMemo(defaultLayoutMemoPath());
  memo.mark(digest);
}
