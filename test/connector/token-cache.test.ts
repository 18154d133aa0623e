import { randomBytes } from 'node:crypto';
import {
  chmod,
  copyFile,
  mkdtemp,
  readFile,
  readdir,
  rm,
  stat,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { anyJsonValue } from '../support/code-points.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { keyId, open, seal } from '../../src/connector/token-cache/envelope.js';
import { createTokenCache, type TokenCache } from '../../src/connector/token-cache/file-cache.js';
import {
  defaultKeySource,
  fileKeySource,
  type Keychain,
} from '../../src/connector/token-cache/key-source.js';
import { withFileLock } from '../../src/connector/token-cache/lock.js';
import { type CacheRecord, decodeRecord, RecordError } from '../../src/connector/token-cache/record.js';
import { isTipError } from '../../src/errors.js';

const SECRET = 'SECRET-refresh-token-value-0123456789';
const record: CacheRecord = {
  v: 1,
  settings: 'digest',
  idp: { accessToken: 'eyJ.access.token', refreshToken: SECRET, used: false },
  role: {
    accessKeyId: 'ASIAEXAMPLE',
    secretAccessKey: 'SECRET-role-key',
    sessionToken: 'SECRET-session',
    expiration: Date.now() + 3600_000,
  },
};

let dir: string;
let cache: TokenCache;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tip-cache-'));
  cache = createTokenCache({ dir, keychain: false });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('token cache file', () => {
  it('round-trips a record, with no secret in plain text on disk and 0600/0700 modes', async () => {
    await cache.write('p', record);
    const text = await readFile(cache.pathOf('p'), 'utf8');
    for (const secret of [SECRET, 'SECRET-role-key', 'SECRET-session', 'eyJ.access.token'])
      expect(text).not.toContain(secret);
    expect((await stat(cache.pathOf('p'))).mode & 0o777).toBe(0o600);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, 'cache.key'))).mode & 0o777).toBe(0o600);
    const read = await cache.read('p');
    expect(read.problem).toBeUndefined();
    expect(read.record).toEqual(record);
  });

  it('a missing file is a plain miss', async () => {
    expect(await cache.read('none')).toEqual({ record: undefined, problem: undefined });
  });

  const hostile: [string, (path: string) => Promise<void>, string][] = [
    ['garbage', (p) => writeFile(p, 'not json at all', { mode: 0o600 }), 'corrupt'],
    ['an empty file', (p) => writeFile(p, '', { mode: 0o600 }), 'corrupt'],
    ['a JSON array', (p) => writeFile(p, '[1,2]', { mode: 0o600 }), 'corrupt'],
    ['another format', (p) => writeFile(p, '{"format":"aws-sso-cache","v":1}', { mode: 0o600 }), 'foreign'],
    [
      'a future version',
      (p) => writeFile(p, '{"format":"tip-sdk-token-cache","v":2}', { mode: 0o600 }),
      'version',
    ],
    ['a file of 2 MiB', (p) => writeFile(p, 'x'.repeat(2 * 1024 * 1024), { mode: 0o600 }), 'corrupt'],
    [
      'a flipped ciphertext byte',
      async (p) => {
        const e = JSON.parse(await readFile(p, 'utf8')) as Record<string, string>;
        const data = Buffer.from(e.data as string, 'base64url');
        data[0] = (data[0] as number) ^ 1;
        await writeFile(p, JSON.stringify({ ...e, data: data.toString('base64url') }), { mode: 0o600 });
      },
      'decrypt',
    ],
    ['a group-readable file', (p) => chmod(p, 0o640), 'permissions'],
  ];
  it.each(hostile)('%s is a miss with ERR_TOKEN_CACHE, never a crash', async (_name, spoil, reason) => {
    await cache.write('p', record);
    await spoil(cache.pathOf('p'));
    const read = await cache.read('p');
    expect(read.record).toBeUndefined();
    expect(isTipError(read.problem, 'ERR_TOKEN_CACHE')).toBe(true);
    expect(read.problem?.details.reason).toBe(reason);
    expect(JSON.stringify(read.problem)).not.toContain(SECRET);
  });

  it('a file of another OS user is a miss (owner), before any decryption', async () => {
    await cache.write('p', record);
    const asOther = createTokenCache({ dir, keychain: false, uid: (process.getuid?.() ?? 0) + 12_345 });
    const read = await asOther.read('p');
    expect(read.record).toBeUndefined();
    expect(read.problem?.details.reason).toBe('owner');
  });

  it("another profile's file copied over is foreign", async () => {
    await cache.write('other', record);
    await copyFile(cache.pathOf('other'), cache.pathOf('p'));
    expect((await cache.read('p')).problem?.details.reason).toBe('foreign');
  });

  it('a file written with another key does not decrypt', async () => {
    await cache.write('p', record);
    const otherDir = await mkdtemp(join(tmpdir(), 'tip-cache-other-'));
    try {
      const other = createTokenCache({ dir: otherDir, keychain: false });
      await other.write('p', record);
      await copyFile(other.pathOf('p'), cache.pathOf('p'));
      expect((await cache.read('p')).problem?.details.reason).toBe('decrypt');
    } finally {
      await rm(otherDir, { recursive: true, force: true });
    }
  });

  it('a symbolic link instead of the file is foreign', async () => {
    await writeFile(join(dir, 'target'), 'x', { mode: 0o600 });
    await symlink(join(dir, 'target'), cache.pathOf('p'));
    expect((await cache.read('p')).problem?.details.reason).toBe('foreign');
  });

  it('a key file readable by others is refused (a write fails, a read is a miss)', async () => {
    await cache.write('p', record);
    await chmod(join(dir, 'cache.key'), 0o644);
    const fresh = createTokenCache({ dir, keychain: false });
    const read = await fresh.read('p');
    expect(read.problem?.details.reason).toBe('permissions');
    const error = await fresh.write('p', record).catch((e: unknown) => e);
    expect(isTipError(error, 'ERR_TOKEN_CACHE')).toBe(true);
  });

  it('refuses profile names that could leave the directory', async () => {
    for (const name of ['../x', 'a/b', '', '.hidden', 'x'.repeat(65)]) {
      expect(isTipError(await cache.read(name).catch((e: unknown) => e), 'ERR_PROFILE_INVALID')).toBe(true);
    }
  });
});

describe('cache key sources', () => {
  it('uses a working keychain, and falls back to the key file when the keychain fails', async () => {
    const store = new Map<string, string>();
    const keychain: Keychain = {
      getPassword: (s, a) => store.get(`${s}/${a}`) ?? null,
      setPassword: (s, a, p) => {
        store.set(`${s}/${a}`, p);
      },
    };
    const viaKeychain = await defaultKeySource(dir, process.getuid?.(), keychain).load();
    expect(store.size).toBe(1);
    expect((await defaultKeySource(dir, process.getuid?.(), keychain).load()).id).toBe(viaKeychain.id);
    const broken: Keychain = {
      getPassword: () => {
        throw new Error('no secret service');
      },
      setPassword: () => undefined,
    };
    const viaFile = await defaultKeySource(dir, process.getuid?.(), broken).load();
    expect(viaFile.id).toBe((await fileKeySource(dir, process.getuid?.()).load()).id);
  });

  it('waits for a key file another process is still writing in place, and refuses one that stays malformed', async () => {
    const path = join(dir, 'cache.key');
    const key = randomBytes(32).toString('base64url');
    await writeFile(path, '', { mode: 0o600 });
    setTimeout(() => void writeFile(path, key.slice(0, 20), { mode: 0o600 }), 30);
    setTimeout(() => void writeFile(path, `${key}\n`, { mode: 0o600 }), 80);
    const loaded = await fileKeySource(dir, process.getuid?.()).load();
    expect(loaded.key.toString('base64url')).toBe(key);

    // A start of a key that no one finishes: malformed after the wait.
    const stalled = await mkdtemp(join(dir, 'stalled-'));
    await writeFile(join(stalled, 'cache.key'), key.slice(0, 20), { mode: 0o600 });
    await expect(fileKeySource(stalled, process.getuid?.()).load()).rejects.toMatchObject({
      code: 'ERR_TOKEN_CACHE',
      details: { reason: 'corrupt' },
    });
    // Garbage, or an old file holding a start of a key, is malformed at once.
    const old = await mkdtemp(join(dir, 'old-'));
    await writeFile(join(old, 'cache.key'), key.slice(0, 20), { mode: 0o600 });
    await utimes(join(old, 'cache.key'), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    const garbage = await mkdtemp(join(dir, 'garbage-'));
    await writeFile(join(garbage, 'cache.key'), 'not a key!', { mode: 0o600 });
    const sleeps = vi.spyOn(globalThis, 'setTimeout');
    try {
      for (const d of [old, garbage]) {
        await expect(fileKeySource(d, process.getuid?.()).load()).rejects.toMatchObject({
          details: { reason: 'corrupt' },
        });
      }
      expect(sleeps).not.toHaveBeenCalled();
    } finally {
      sleeps.mockRestore();
    }
  });

  it('sources racing to create the key file agree on one key and never read it half written', async () => {
    // 30 races of 8 sources: one that read the file between another's create and write saw it malformed.
    for (let round = 0; round < 30; round += 1) {
      const raceDir = await mkdtemp(join(dir, 'race-'));
      const ids = await Promise.all(
        Array.from({ length: 8 }, () =>
          fileKeySource(raceDir, process.getuid?.())
            .load()
            .then((k) => k.id),
        ),
      );
      expect(new Set(ids).size).toBe(1);
      // Only the key file is left: no temporary file of a creator that lost.
      expect(await readdir(raceDir)).toEqual(['cache.key']);
    }
  });
});

describe('envelope and record parsers (untrusted input)', () => {
  const key = { key: randomBytes(32), id: '' };
  key.id = keyId(key.key);
  const binding = { profile: 'p', uid: 1000 };

  it('any text is either opened or rejected, never thrown (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        const result = open(text, key, binding);
        expect(typeof result.ok).toBe('boolean');
      }),
    );
  });

  it('a sealed record opens only with the same profile and uid (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.integer({ min: 0, max: 70_000 }), (plain, uid) => {
        const sealed = seal(plain, key, binding);
        expect(open(sealed, key, binding)).toEqual({ ok: true, plaintext: plain });
        if (uid !== binding.uid) expect(open(sealed, key, { ...binding, uid }).ok).toBe(false);
      }),
    );
  });

  it('any JSON value decodes to a valid record or throws RecordError (property)', () => {
    fc.assert(
      fc.property(anyJsonValue(), (value) => {
        try {
          decodeRecord(JSON.stringify(value));
        } catch (error) {
          expect(error).toBeInstanceOf(RecordError);
        }
      }),
    );
  });

  it('keeps Redshift driver tokens, one per target, each bound to the credentials it came from', () => {
    const redshift = [
      { target: 'workgroup:wg', token: 't', expiresAt: 1, accessKeyId: 'ASIA1' },
      {
        ...{ target: 'workgroup:wg', token: 't', expiresAt: 1, accessKeyId: 'ASIA1' },
        target: 'cluster:c-1',
        accessKeyId: 'ASIA2',
      },
    ];
    expect(decodeRecord(JSON.stringify({ ...record, redshift })).redshift).toEqual(redshift);
  });

  it.each([
    ['unknown key', { ...record, extra: 1 }],
    ['used not boolean', { ...record, idp: { accessToken: 'a', used: 'no' } }],
    ['negative expiry', { ...record, role: { ...record.role, expiration: -1 } }],
    ['store key with a slash', { ...record, store: { 'a/b': { value: 'x', expiresAt: 1 } } }],
    ['empty token', { ...record, idp: { accessToken: '', used: false } }],
    ['Redshift tokens that are no list', { ...record, redshift: { 'workgroup:wg': 't' } }],
    [
      '17 Redshift tokens',
      {
        ...record,
        redshift: Array.from({ length: 17 }, (_, i) => ({
          ...{ target: 'workgroup:wg', token: 't', expiresAt: 1, accessKeyId: 'ASIA1' },
          target: `workgroup:w${i}`,
        })),
      },
    ],
    [
      'a Redshift target of another kind',
      {
        ...record,
        redshift: [
          {
            ...{ target: 'workgroup:wg', token: 't', expiresAt: 1, accessKeyId: 'ASIA1' },
            target: 'table:wg',
          },
        ],
      },
    ],
    [
      'a Redshift target with a path',
      {
        ...record,
        redshift: [
          {
            ...{ target: 'workgroup:wg', token: 't', expiresAt: 1, accessKeyId: 'ASIA1' },
            target: 'cluster:../x',
          },
        ],
      },
    ],
    [
      'a Redshift target twice',
      {
        ...record,
        redshift: [
          { target: 'workgroup:wg', token: 't', expiresAt: 1, accessKeyId: 'ASIA1' },
          { target: 'workgroup:wg', token: 't', expiresAt: 1, accessKeyId: 'ASIA1' },
        ],
      },
    ],
    [
      'a Redshift token without its credentials',
      { ...record, redshift: [{ target: 'workgroup:wg', token: 't', expiresAt: 1 }] },
    ],
    [
      'a Redshift token with an extra member',
      {
        ...record,
        redshift: [
          { ...{ target: 'workgroup:wg', token: 't', expiresAt: 1, accessKeyId: 'ASIA1' }, user: 'alice' },
        ],
      },
    ],
    [
      'an empty Redshift token',
      {
        ...record,
        redshift: [
          { ...{ target: 'workgroup:wg', token: 't', expiresAt: 1, accessKeyId: 'ASIA1' }, token: '' },
        ],
      },
    ],
    [
      'a Redshift expiry that is text',
      {
        ...record,
        redshift: [
          { ...{ target: 'workgroup:wg', token: 't', expiresAt: 1, accessKeyId: 'ASIA1' }, expiresAt: '1' },
        ],
      },
    ],
  ])('rejects a record with %s', (_name, value) => {
    expect(() => decodeRecord(JSON.stringify(value))).toThrow(RecordError);
  });
});

describe('file lock', () => {
  it('serializes holders, and breaks a lock left by a dead process', async () => {
    const path = join(dir, 'x.lock');
    const order: string[] = [];
    await Promise.all(
      ['a', 'b', 'c'].map((n) =>
        withFileLock(path, async () => {
          order.push(`${n}+`);
          await new Promise((r) => setTimeout(r, 20));
          order.push(`${n}-`);
        }),
      ),
    );
    for (let i = 0; i < order.length; i += 2) expect(order[i]?.[0]).toBe(order[i + 1]?.[0]);
    await writeFile(
      path,
      JSON.stringify({ token: 't', pid: 2_147_483_000, host: (await import('node:os')).hostname() }),
    );
    expect(await withFileLock(path, async () => 'taken', { timeoutMs: 2000 })).toBe('taken');
  });

  it('gives up with ERR_TOKEN_CACHE (lock_timeout) when a live holder keeps it', async () => {
    const path = join(dir, 'y.lock');
    await writeFile(
      path,
      JSON.stringify({ token: 't', pid: process.pid, host: (await import('node:os')).hostname() }),
    );
    const error = await withFileLock(path, async () => 'never', { timeoutMs: 150 }).catch((e: unknown) => e);
    expect(isTipError(error, 'ERR_TOKEN_CACHE')).toBe(true);
  });
});

describe('the real @napi-rs/keyring', () => {
  it('loads lazily, and the default key source yields a working key with it or without it', async () => {
    const { loadNapiKeyring } = await import('../../src/connector/token-cache/key-source.js');
    expect(await loadNapiKeyring()).toBeDefined();
    await createTokenCache({ dir }).write('k', record);
    expect((await createTokenCache({ dir }).read('k')).record).toEqual(record);
  });
});
