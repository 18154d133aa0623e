/**
 * Where the token cache key comes from: the OS keychain (through the optional `@napi-rs/keyring`, loaded
 * on first use) or, where there is none, a 0600 key file in the cache directory. The key is created on
 * first use, under a lock so two processes agree on one key.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { link, lstat, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { TipError } from '../../errors.js';
import { type CacheKey, keyId } from './envelope.js';
import { withFileLock } from './lock.js';
import { writeNewFileSynced } from './write-new-file.js';

/** A keychain entry store: what `@napi-rs/keyring`'s `Entry` offers. */
export interface Keychain {
  /** The secret stored under (service, account), or `null`/`undefined` when none. */
  getPassword(
    service: string,
    account: string,
  ): string | null | undefined | Promise<string | null | undefined>;
  /** Stores `password` under (service, account). */
  setPassword(service: string, account: string, password: string): void | Promise<void>;
}

/** A source of the cache key. */
export interface CacheKeySource {
  /** `keychain`, `file`, or the name of a custom source. */
  readonly kind: string;
  /** The key, created on first use. */
  load(): Promise<CacheKey>;
}

/** The keychain service name tip-sdk uses. */
export const KEYCHAIN_SERVICE = 'tip-sdk';
/** The keychain account of the token cache key. */
export const KEYCHAIN_ACCOUNT = 'token-cache-key';
/** The key file name in the cache directory. */
export const KEY_FILE = 'cache.key';

function decodeKey(text: string | null | undefined): Buffer | undefined {
  if (typeof text !== 'string') return undefined;
  const key = Buffer.from(text.trim(), 'base64url');
  return key.length === 32 ? key : undefined;
}

function cacheError(reason: string, message: string, path?: string): TipError {
  return new TipError('ERR_TOKEN_CACHE', message, {
    details: { reason, ...(path === undefined ? {} : { path }) },
  });
}

/** Loads `@napi-rs/keyring` as a {@link Keychain}, or `undefined` when it is not installed. */
export async function loadNapiKeyring(): Promise<Keychain | undefined> {
  const name = '@napi-rs/keyring';
  let mod: {
    Entry: new (
      service: string,
      account: string,
    ) => { getPassword(): string | null; setPassword(p: string): void };
  };
  try {
    mod = (await import(name)) as typeof mod;
  } catch {
    return undefined;
  }
  return {
    getPassword: (service, account) => new mod.Entry(service, account).getPassword(),
    setPassword: (service, account, password) => new mod.Entry(service, account).setPassword(password),
  };
}

/**
 * A key kept in `keychain` under service `tip-sdk`, account `token-cache-key`.
 *
 * @param lockPath - The lock serializing key creation across processes.
 */
export function keychainKeySource(keychain: Keychain, lockPath: string): CacheKeySource {
  let loaded: Promise<CacheKey> | undefined;
  const load = async (): Promise<CacheKey> => {
    const existing = decodeKey(await keychain.getPassword(KEYCHAIN_SERVICE, KEYCHAIN_ACCOUNT));
    if (existing) return { id: keyId(existing), key: existing };
    return withFileLock(lockPath, async () => {
      const again = decodeKey(await keychain.getPassword(KEYCHAIN_SERVICE, KEYCHAIN_ACCOUNT));
      if (again) return { id: keyId(again), key: again };
      const key = randomBytes(32);
      await keychain.setPassword(KEYCHAIN_SERVICE, KEYCHAIN_ACCOUNT, key.toString('base64url'));
      return { id: keyId(key), key };
    });
  };
  return {
    kind: 'keychain',
    load() {
      loaded ??= load().catch((error: unknown) => {
        loaded = undefined;
        throw error;
      });
      return loaded;
    },
  };
}

async function readKeyFile(path: string, uid: number | undefined): Promise<Buffer | undefined> {
  let info: Awaited<ReturnType<typeof lstat>>;
  try {
    info = await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw cacheError(
      'unreadable',
      'The token cache key file cannot be read: check the cache directory.',
      path,
    );
  }
  if (!info.isFile())
    throw cacheError('foreign', 'The token cache key path is not a regular file: remove it.', path);
  if (uid !== undefined && info.uid !== uid) {
    throw cacheError(
      'owner',
      'The token cache key file belongs to another user: remove it or use your own cache directory.',
      path,
    );
  }
  if (uid !== undefined && (info.mode & 0o077) !== 0) {
    throw cacheError(
      'permissions',
      'The token cache key file is readable by other users: remove it (a new key is created, and you sign in again).',
      path,
    );
  }
  let text = await readFile(path, 'utf8');
  // A young file holding the start of a key is one another process is still writing in place (where
  // hard links are refused, or an earlier tip-sdk): read it again for up to 1 s.
  for (let waited = 0; isKeyPrefix(text) && Date.now() - info.mtimeMs < 2_000 && waited < 1_000; ) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    waited += 20;
    text = await readFile(path, 'utf8');
  }
  const key = decodeKey(text);
  if (!key)
    throw cacheError(
      'corrupt',
      'The token cache key file is malformed: remove it (you will sign in again).',
      path,
    );
  return key;
}

/** Whether `text` is the beginning of a key line, shorter than a whole one (43 characters). */
function isKeyPrefix(text: string): boolean {
  return text.length < 43 && /^[A-Za-z0-9_-]*$/.test(text);
}

/**
 * Creates the key file holding `key`, unless it exists: `false` then. The key is written and synced to a
 * file of this process's own first, then hard-linked to `path`, which fails when `path` exists: another
 * process never reads a key file that is empty or half written. Where hard links are refused (some
 * network and FAT file systems), `path` is created exclusively and written in place.
 */
async function createKeyFile(path: string, key: Buffer): Promise<boolean> {
  const text = `${key.toString('base64url')}\n`;
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  await writeNewFileSynced(temp, text);
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  try {
    await writeNewFileSynced(path, text);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * A key in file `cache.key` of `dir` (mode 0600, owned by `uid`), created on first use.
 *
 * @param uid - The OS user the file must belong to; `undefined` skips owner and mode checks (Windows).
 */
export function fileKeySource(dir: string, uid: number | undefined): CacheKeySource {
  const path = join(dir, KEY_FILE);
  let loaded: Promise<CacheKey> | undefined;
  const load = async (): Promise<CacheKey> => {
    const existing = await readKeyFile(path, uid);
    if (existing) return { id: keyId(existing), key: existing };
    const key = randomBytes(32);
    const created = await createKeyFile(path, key);
    if (created) return { id: keyId(key), key };
    // Another process created it first: use theirs.
    const theirs = await readKeyFile(path, uid);
    if (!theirs)
      throw cacheError('unreadable', 'The token cache key file vanished while being created.', path);
    return { id: keyId(theirs), key: theirs };
  };
  return {
    kind: 'file',
    load() {
      loaded ??= load().catch((error: unknown) => {
        loaded = undefined;
        throw error;
      });
      return loaded;
    },
  };
}

/**
 * The default key source: the OS keychain when `@napi-rs/keyring` is installed and answers, else the key
 * file. A keychain that fails (no Secret Service on a headless Linux, a locked keychain) falls back to the
 * file.
 */
export function defaultKeySource(
  dir: string,
  uid: number | undefined,
  keychain?: Keychain | false,
): CacheKeySource {
  const file = fileKeySource(dir, uid);
  if (keychain === false) return file;
  let chosen: Promise<{ kind: string; key: CacheKey }> | undefined;
  const source: CacheKeySource = {
    get kind() {
      return 'auto';
    },
    load() {
      chosen ??= (async () => {
        const chain = keychain ?? (await loadNapiKeyring());
        if (chain !== undefined) {
          try {
            return { kind: 'keychain', key: await keychainKeySource(chain, join(dir, 'key.lock')).load() };
          } catch (error) {
            if (error instanceof TipError) throw error;
            // No usable keychain here: the key file serves instead.
          }
        }
        return { kind: 'file', key: await file.load() };
      })().catch((error: unknown) => {
        chosen = undefined;
        throw error;
      });
      return chosen.then((c) => c.key);
    },
  };
  return source;
}
