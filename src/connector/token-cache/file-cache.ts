/**
 * The token cache of one OS user across processes: one encrypted file per profile in a 0700 directory,
 * written atomically (temporary file + rename, mode 0600), read with every check a shared directory needs
 * (regular file, owner, mode, size, envelope, key, record). Any problem makes a read a miss with the reason
 * (`ERR_TOKEN_CACHE`), never a crash. A lock file per profile lets two processes refresh once.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { TipError } from '../../errors.js';
import { type OptionShape, optionKeys, rejectUnknownOptions } from '../../option-keys.js';
import type { CacheRejection } from '../events.js';
import { type EnvelopeBinding, open as openEnvelope, seal } from './envelope.js';
import { type CacheKeySource, defaultKeySource, type Keychain } from './key-source.js';
import { type FileLockOptions, withFileLock } from './lock.js';
import { type CacheRecord, decodeRecord, RecordError } from './record.js';
import { writeNewFileSynced } from './write-new-file.js';

/** Largest cache file read, bytes. */
const MAX_FILE_BYTES = 1024 * 1024;

/** Options of {@link createTokenCache}. */
export interface TokenCacheOptions {
  /**
   * The cache directory. Default `$TIP_SDK_CACHE_DIR`, else `$XDG_CACHE_HOME/tip-sdk`, else
   * `~/.cache/tip-sdk` (`%LOCALAPPDATA%\tip-sdk` on Windows).
   */
  readonly dir?: string;
  /** Where the encryption key comes from. Default: the OS keychain if available, else a 0600 key file. */
  readonly keySource?: CacheKeySource;
  /** A keychain to use instead of `@napi-rs/keyring`; `false` for the key file only. */
  readonly keychain?: Keychain | false;
  /** Lock timing. */
  readonly lock?: FileLockOptions;
  /**
   * The OS user id the files must belong to (and that is bound into the encryption). Default the
   * process's (`process.getuid()`); none on Windows.
   */
  readonly uid?: number;
}

const TOKEN_CACHE_SHAPE: OptionShape = {
  owner: 'createTokenCache',
  keys: optionKeys<TokenCacheOptions>({ dir: true, keySource: true, keychain: true, lock: true, uid: true }),
};
const LOCK_SHAPE: OptionShape = {
  owner: 'createTokenCache',
  keys: optionKeys<FileLockOptions>({ timeoutMs: true, staleMs: true, retryMs: true }),
};

/** The outcome of a read: the record, or why there is none. */
export interface CacheRead {
  /** The record, when the file exists and passed every check. */
  readonly record: CacheRecord | undefined;
  /** Why an existing file was not used (`ERR_TOKEN_CACHE`, `details.reason`), if it was not. */
  readonly problem: TipError | undefined;
}

/** The token cache. */
export interface TokenCache {
  /** The directory. */
  readonly dir: string;
  /** The file of `profile`. */
  pathOf(profile: string): string;
  /** Reads the record of `profile`. Never rejects for a bad file (see {@link CacheRead}). */
  read(profile: string): Promise<CacheRead>;
  /** Writes the record of `profile` atomically. */
  write(profile: string, record: CacheRecord): Promise<void>;
  /** Removes the record of `profile`. */
  remove(profile: string): Promise<void>;
  /** Runs `fn` holding the lock of `profile`. */
  withLock<T>(profile: string, fn: () => Promise<T>): Promise<T>;
}

/** The default cache directory for this platform and environment. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TIP_SDK_CACHE_DIR) return env.TIP_SDK_CACHE_DIR;
  if (process.platform === 'win32' && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, 'tip-sdk');
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'tip-sdk');
  return join(homedir(), '.cache', 'tip-sdk');
}

const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

function rejection(reason: CacheRejection, path: string): TipError {
  const why: Record<CacheRejection, string> = {
    corrupt: 'is corrupt',
    foreign: 'was not written by tip-sdk for this profile',
    owner: 'belongs to another user',
    permissions: 'is readable or writable by other users',
    decrypt: 'does not decrypt with this user’s key (another key, or tampered)',
    unreadable: 'cannot be read',
    version: 'has a format this version does not read',
  };
  return new TipError(
    'ERR_TOKEN_CACHE',
    `The token cache file ${why[reason]}; it is ignored and replaced at the next sign-in.`,
    { details: { reason, path } },
  );
}

/** Creates the token cache. */
export function createTokenCache(options: TokenCacheOptions = {}): TokenCache {
  rejectUnknownOptions(options, TOKEN_CACHE_SHAPE);
  rejectUnknownOptions(options.lock, LOCK_SHAPE, 'lock');
  const dir = options.dir ?? defaultCacheDir();
  const uid = options.uid ?? (typeof process.getuid === 'function' ? process.getuid() : undefined);
  const keySource = options.keySource ?? defaultKeySource(dir, uid, options.keychain);
  const binding = (profile: string): EnvelopeBinding => ({ profile, uid: uid ?? -1 });
  let dirReady: Promise<void> | undefined;

  const checkName = (profile: string) => {
    if (!PROFILE_NAME.test(profile)) {
      throw new TipError('ERR_PROFILE_INVALID', 'A profile name is 1–64 letters, digits, `_`, `.` or `-`.', {
        details: { path: 'profile' },
      });
    }
  };
  const pathOf = (profile: string) => {
    checkName(profile);
    return join(dir, `${profile}.tokens.json`);
  };

  async function ensureDir(): Promise<void> {
    dirReady ??= (async () => {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const info = await lstat(dir);
      if (!info.isDirectory()) {
        throw new TipError('ERR_TOKEN_CACHE', 'The token cache path is not a directory.', {
          details: { reason: 'foreign', path: dir },
        });
      }
      if (uid !== undefined && info.uid !== uid) {
        throw new TipError(
          'ERR_TOKEN_CACHE',
          'The token cache directory belongs to another user: set TIP_SDK_CACHE_DIR to a directory of your own.',
          {
            details: { reason: 'owner', path: dir },
          },
        );
      }
      if (uid !== undefined && (info.mode & 0o022) !== 0) {
        throw new TipError(
          'ERR_TOKEN_CACHE',
          'The token cache directory is writable by other users: make it 0700 or set TIP_SDK_CACHE_DIR.',
          {
            details: { reason: 'permissions', path: dir },
          },
        );
      }
    })().catch((error: unknown) => {
      dirReady = undefined;
      throw error;
    });
    return dirReady;
  }

  async function read(profile: string): Promise<CacheRead> {
    const path = pathOf(profile);
    const miss = (reason: CacheRejection): CacheRead => ({
      record: undefined,
      problem: rejection(reason, path),
    });
    let info: Awaited<ReturnType<typeof lstat>>;
    try {
      info = await lstat(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        return { record: undefined, problem: undefined };
      return miss('unreadable');
    }
    if (!info.isFile()) return miss('foreign');
    if (uid !== undefined && info.uid !== uid) return miss('owner');
    if (uid !== undefined && (info.mode & 0o077) !== 0) return miss('permissions');
    if (info.size > MAX_FILE_BYTES) return miss('corrupt');
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      return miss('unreadable');
    }
    let key: Awaited<ReturnType<CacheKeySource['load']>>;
    try {
      key = await keySource.load();
    } catch (error) {
      return {
        record: undefined,
        problem: error instanceof TipError ? error : rejection('unreadable', path),
      };
    }
    const opened = openEnvelope(text, key, binding(profile));
    if (!opened.ok) return miss(opened.reason);
    try {
      return { record: decodeRecord(opened.plaintext), problem: undefined };
    } catch (error) {
      if (error instanceof RecordError) return miss('corrupt');
      throw error;
    }
  }

  async function write(profile: string, record: CacheRecord): Promise<void> {
    const path = pathOf(profile);
    await ensureDir();
    const key = await keySource.load();
    const text = seal(JSON.stringify(record), key, binding(profile));
    const temp = join(dir, `.${profile}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    await writeNewFileSynced(temp, text);
    try {
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  return {
    dir,
    pathOf,
    read,
    write,
    async remove(profile) {
      await rm(pathOf(profile), { force: true });
    },
    async withLock(profile, fn) {
      checkName(profile);
      await ensureDir();
      return withFileLock(join(dir, `${profile}.lock`), fn, options.lock);
    },
  };
}
