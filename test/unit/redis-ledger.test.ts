/**
 * The shared exchange ledger reads what Redis holds, which anyone with access to Redis can write: a JWT
 * claim (`<result key> <epoch ms>`) and a sealed kept result. Whatever those hold, a claim is a
 * well-formed answer and a kept result is either the value kept for that very key or a miss with an event,
 * never a throw. Redis is a map behind the command runner here (the scripts' semantics in a few lines).
 */
import { createSecretKey, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { codePointString } from '../support/code-points.js';
import { describe, expect, it } from 'vitest';
import type { IdcTokenSet } from '../../src/identity-center/types.js';
import type { RedisCommands } from '../../src/redis/commands.js';
import { createEnvelope } from '../../src/redis/envelope.js';
import type { RedisStoreEvent } from '../../src/redis/events.js';
import { redisExchangeLedger } from '../../src/redis/ledger.js';
import { CLAIM, KEEP } from '../../src/redis/scripts.js';
import { idcTokenCodec } from '../../src/session/codecs.js';

const PREFIX = 't:';
const NOW = 1_800_000_000_000;

function fakeRedis() {
  const data = new Map<string, string>();
  const commands: RedisCommands = {
    async send(args, key) {
      if (args[0] === 'GET') return data.get(key) ?? null;
      if (args[0] === 'DEL') return data.delete(key) ? 1 : 0;
      throw new Error(`unexpected ${args[0]}`);
    },
    async eval(script, key, args) {
      if (script === CLAIM) {
        const held = data.get(key);
        if (held !== undefined) return held;
        data.set(key, args[0]!);
        return null;
      }
      if (script === KEEP) {
        data.set(key, args[0]!);
        return 1;
      }
      throw new Error(`unexpected script ${script.name}`);
    },
  };
  return { data, commands };
}

const tokens = (user: string): IdcTokenSet =>
  Object.freeze({
    accessToken: `at-${user}`,
    refreshToken: `rt-${user}`,
    identityContext: `ctx-${user}`,
    identity: Object.freeze({
      idcUserId: `id-${user}`,
      identityStoreId: 'd-1234567890',
      identityStoreArn: undefined,
      instanceArn: undefined,
      applicationArn: 'arn:aws:sso::123456789012:application/ssoins-1111222233334444/apl-aaaabbbbccccdddd',
      expiresAt: NOW + 3_600_000,
    }),
    expiresAt: NOW + 3_600_000,
    scopes: Object.freeze([]),
    issuedTokenType: undefined,
  });

function ledger() {
  const redis = fakeRedis();
  const envelope = createEnvelope([{ id: 'a', key: createSecretKey(randomBytes(32)) }]);
  const events: RedisStoreEvent[] = [];
  const shared = redisExchangeLedger(
    { commands: redis.commands, envelope, prefix: PREFIX, emit: (e) => events.push(e) },
    { codec: idcTokenCodec, clock: () => NOW },
  );
  return { ...redis, envelope, events, shared };
}

describe('the shared exchange ledger, reading what Redis holds', () => {
  it.each([
    ['a claim of this process', undefined, { claimed: true }],
    [
      'another replica’s claim',
      'user-a 1799999999000',
      { claimed: false, resultKey: 'user-a', since: 1799999999000 },
    ],
    ['no time', 'user-a', { claimed: false, resultKey: 'user-a' }],
    ['a time that is no number', 'user-a soon', { claimed: false, resultKey: 'user-a' }],
    ['an empty value', '', { claimed: false, resultKey: '' }],
    ['only spaces', '   ', { claimed: false, resultKey: '' }],
    ['a time out of range', 'user-a 1e999', { claimed: false, resultKey: 'user-a' }],
    ['a trailing space', 'user-a ', { claimed: false, resultKey: 'user-a' }],
    ['a negative time', 'user-a -5', { claimed: false, resultKey: 'user-a' }],
    ['a time in hex', 'user-a 0x10', { claimed: false, resultKey: 'user-a' }],
    [
      'a claim under the lock',
      'user-a 1799999999000 L',
      { claimed: false, resultKey: 'user-a', since: 1799999999000, locked: true },
    ],
    [
      'a lock mark in lower case',
      'user-a 1799999999000 l',
      { claimed: false, resultKey: 'user-a', since: 1799999999000 },
    ],
    [
      'text after the lock mark',
      'user-a 1799999999000 L x',
      { claimed: false, resultKey: 'user-a', since: 1799999999000 },
    ],
    ['a lock mark without a time', 'user-a L', { claimed: false, resultKey: 'user-a' }],
    ['a lock mark after a bad time', 'user-a soon L', { claimed: false, resultKey: 'user-a' }],
  ])('a JWT claim holding %s', async (_, held, expected) => {
    const { data, shared } = ledger();
    if (held !== undefined) data.set(`${PREFIX}jwt:jwt-1`, held);
    expect(await shared.claim('jwt-1', 'user-a', NOW + 60_000)).toEqual(expected);
  });

  it('a kept result is read back for its own key only; a moved, edited or foreign one is a miss with an event', async () => {
    const { data, envelope, events, shared } = ledger();
    await shared.keep('user-a', tokens('ann'), NOW + 60_000);
    expect((await shared.result('user-a'))?.refreshToken).toBe('rt-ann');
    const sealed = data.get(`${PREFIX}kept:user-a`)!;
    // Moved to another key: the Redis key is the AAD.
    data.set(`${PREFIX}kept:user-b`, sealed);
    // Sealed for its key, but naming another result key inside.
    const inner = JSON.parse(envelope.open(`${PREFIX}kept:user-a`, sealed)) as { v: string };
    data.set(
      `${PREFIX}kept:user-c`,
      envelope.seal(`${PREFIX}kept:user-c`, JSON.stringify({ k: 'user-a', ...inner })),
    );
    // Sealed and named right, but not a token set.
    data.set(
      `${PREFIX}kept:user-d`,
      envelope.seal(`${PREFIX}kept:user-d`, JSON.stringify({ k: 'user-d', v: '{}' })),
    );
    data.set(`${PREFIX}kept:user-e`, envelope.seal(`${PREFIX}kept:user-e`, 'not json'));
    data.set(`${PREFIX}kept:user-f`, 'garbage');
    for (const key of ['user-b', 'user-c', 'user-d', 'user-e', 'user-f'])
      expect(await shared.result(key), key).toBeUndefined();
    expect(events.map((e) => e.type === 'value-rejected' && e.reason)).toEqual([
      'undecryptable',
      'malformed',
      'malformed',
      'malformed',
      'malformed',
    ]);
  });

  it('property: whatever Redis holds, a claim is well formed and a kept result is its own or a miss', async () => {
    const { data, envelope, shared } = ledger();
    await shared.keep('mine', tokens('ann'), NOW + 60_000);
    const own = data.get(`${PREFIX}kept:mine`)!;
    const text = fc.oneof(
      fc.string(),
      codePointString(),
      fc.tuple(fc.string(), fc.oneof(fc.integer(), fc.double(), fc.string())).map(([k, t]) => `${k} ${t}`),
    );
    const kept = fc.oneof(
      text,
      text.map((t) => envelope.seal(`${PREFIX}kept:mine`, t)),
      fc
        .record({ k: fc.oneof(fc.constant('mine'), fc.string()), v: fc.oneof(text, fc.anything()) })
        .map((v) => envelope.seal(`${PREFIX}kept:mine`, JSON.stringify(v))),
      fc.constant(own),
    );
    await fc.assert(
      fc.asyncProperty(text, kept, async (held, value) => {
        data.set(`${PREFIX}jwt:j`, held);
        const claim = await shared.claim('j', 'mine', NOW + 60_000);
        expect(claim.claimed).toBe(false);
        if (!claim.claimed) {
          expect(typeof claim.resultKey).toBe('string');
          if (claim.since !== undefined)
            expect(Number.isSafeInteger(claim.since) && claim.since >= 0).toBe(true);
        }
        data.set(`${PREFIX}kept:mine`, value);
        const result = await shared.result('mine');
        if (value === own) expect(result?.identity.idcUserId).toBe('id-ann');
        else if (result !== undefined) expect(result.identity).toBeDefined();
      }),
      { numRuns: 300 },
    );
  });
});
