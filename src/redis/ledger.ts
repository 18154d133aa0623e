/**
 * The exchange ledger on Redis, shared by every replica using the store:
 * - `<prefix>jwt:<ledger id>` holds the result key of the exchange that claimed the JWT and when it did
 *   (`<result key> <epoch ms>`, and ` L` when the claimant holds the user's lock while it exchanges), until
 *   the JWT's `exp` (a Lua get-or-set makes the claim atomic); once IdC
 *   answered that exchange, the time is dropped (`<result key>`): a claim without a time is one no replica
 *   is still exchanging, so a reader serves the kept result or refuses the JWT without waiting (a reader
 *   of an earlier version of this store reads it the same way);
 * - `<prefix>kept:<result key>` holds the latest IdC token set of that user, encrypted like every value
 *   (the Redis key as AAD, and the result key inside the plaintext), until the latest `exp` of a JWT that
 *   was exchanged or refreshed for it.
 * A kept result that does not decrypt or names another key is not used (a miss, with an event).
 *
 * @module
 */
import { NO_EXP_TTL_MS } from '../identity-center/exchange-ledger.js';
import type { ExchangeLedger, ExchangeLedgerInit } from '../identity-center/exchange-ledger.js';
import type { RedisCommands } from './commands.js';
import { type Envelope, SealError } from './envelope.js';
import type { RedisStoreEvent } from './events.js';
import { CLAIM, KEEP, SETTLE } from './scripts.js';

/** Shortest TTL written for a ledger entry, milliseconds (a JWT at its very end still gets one). */
const MIN_TTL_MS = 1_000;

/** What the ledger is built from. */
export interface RedisLedgerParts {
  readonly commands: RedisCommands;
  readonly envelope: Envelope;
  readonly prefix: string;
  readonly emit: ((event: RedisStoreEvent) => void) | undefined;
}

/** The shared ledger; see the module notes. */
export function redisExchangeLedger(parts: RedisLedgerParts, init: ExchangeLedgerInit): ExchangeLedger {
  const { commands, envelope, prefix, emit } = parts;
  const { codec, clock } = init;
  const ttl = (until: number | undefined) =>
    String(Math.max(MIN_TTL_MS, Math.ceil((until ?? clock() + NO_EXP_TTL_MS) - clock())));
  const rejected = (reason: SealError['reason']) => {
    emit?.({ type: 'value-rejected', entry: 'ledger', reason });
    return undefined;
  };

  return {
    async claim(id, resultKey, expiresAt, options) {
      const key = `${prefix}jwt:${id}`;
      const value = `${resultKey} ${clock()}${options?.locked === true ? ' L' : ''}`;
      const held = await commands.eval(CLAIM, key, [value, ttl(expiresAt)]);
      if (held === null || held === undefined) return { claimed: true };
      // `<result key> <claimed at>[ L]`; anything else names no result of this user and no running
      // exchange. A time is epoch milliseconds in digits only: an empty or edited one says nothing of when.
      const [theirs, at, mark, ...rest] = String(held).split(' ');
      const since = at !== undefined && /^\d{1,15}$/.test(at) ? Number(at) : undefined;
      const locked = since !== undefined && mark === 'L' && rest.length === 0;
      return {
        claimed: false,
        resultKey: theirs ?? '',
        ...(since === undefined ? {} : { since }),
        ...(locked ? { locked: true as const } : {}),
      };
    },
    async release(id) {
      const key = `${prefix}jwt:${id}`;
      await commands.send(['DEL', key], key);
    },
    async settle(id, resultKey) {
      const key = `${prefix}jwt:${id}`;
      await commands.eval(SETTLE, key, [resultKey]);
    },
    async keep(resultKey, tokens, until) {
      const key = `${prefix}kept:${resultKey}`;
      const text = JSON.stringify({
        k: resultKey,
        v: codec.encode({ value: tokens, expiresAt: tokens.expiresAt }),
      });
      await commands.eval(KEEP, key, [envelope.seal(key, text), ttl(until)]);
    },
    async result(resultKey) {
      const key = `${prefix}kept:${resultKey}`;
      const sealed = await commands.send(['GET', key], key);
      if (sealed === null || sealed === undefined) return undefined;
      let plain: string;
      try {
        plain = envelope.open(key, sealed as string);
      } catch (error) {
        return rejected(error instanceof SealError ? error.reason : 'malformed');
      }
      try {
        const { k, v } = JSON.parse(plain) as { k?: unknown; v?: unknown };
        if (k !== resultKey || typeof v !== 'string') return rejected('malformed');
        return codec.decode(v).value;
      } catch {
        return rejected('malformed');
      }
    },
    clearResults() {
      // Shared results belong to every replica: clearing one replica's cache leaves them.
    },
    async forgetResult(resultKey) {
      // A forgotten user is forgotten by every replica: the next one to serve them exchanges a new JWT.
      const key = `${prefix}kept:${resultKey}`;
      await commands.send(['DEL', key], key);
    },
  };
}
