/**
 * Every Redis call of the store goes through here: a deadline per call, the circuit breaker, Lua scripts
 * by SHA with a fallback to their source, and one typed error (`ERR_CACHE_STORE`) for every failure, with
 * an event. Errors carry no command arguments (values, keys) and no client error object, whose fields may
 * echo them.
 *
 * @module
 */
import { TipError } from '../errors.js';
import type { Circuit } from './circuit.js';
import { type SendCommand, isReplyError } from './client.js';
import type { RedisStoreEvent } from './events.js';
import type { RedisScript } from './scripts.js';

/** Bounded, typed Redis calls; see {@link createCommands}. */
export interface RedisCommands {
  /** Runs `args` (command first) concerning `key`, on the primary that serves it. */
  send(args: string[], key: string): Promise<unknown>;
  /** Runs `script` on `key` with `args` (`EVALSHA`, or `EVAL` when Redis does not have it yet). */
  eval(script: RedisScript, key: string, args: string[]): Promise<unknown>;
}

/** Settings of {@link createCommands}. */
export interface CommandSettings {
  readonly timeoutMs: number;
  readonly circuit: Circuit;
  readonly emit: ((event: RedisStoreEvent) => void) | undefined;
}

const TIMED_OUT = Symbol('timed out');
const NOSCRIPT = Symbol('noscript');

function storeError(reason: string, command: string, message: string, extra = {}): TipError {
  return new TipError('ERR_CACHE_STORE', message, { details: { reason, operation: command, ...extra } });
}

/** The first word of a Redis error reply (`OOM`, `NOPERM`, `READONLY`, …): an upper-case code, not data. */
function replyCode(error: unknown): string {
  const word = /^[A-Z][A-Z_]{1,31}\b/.exec(String((error as { message?: unknown })?.message ?? ''));
  return word?.[0] ?? 'ERR';
}

/** Creates the call runner over the client's raw command function. */
export function createCommands(sendRaw: SendCommand, settings: CommandSettings): RedisCommands {
  const { timeoutMs, circuit, emit } = settings;

  async function run(args: string[], key: string): Promise<unknown> {
    const command = args[0]!;
    const admitted = circuit.admit();
    if (admitted === false) {
      throw storeError(
        'circuit_open',
        command,
        'Redis failed several calls in a row, so tip-sdk is not calling it for a while and serves from the local cache meanwhile: check that Redis is up and reachable.',
      );
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
      // After a stall of the event loop, timers run before pending I/O: a reply that arrived meanwhile is
      // read first (setImmediate runs after the poll phase), so a busy process does not count it as late.
      // Not unref'd: a pending call keeps the process alive until it settles (cleared then).
      timer = setTimeout(() => setImmediate(() => resolve(TIMED_OUT)), timeoutMs);
    });
    let reply: unknown;
    try {
      reply = await Promise.race([sendRaw(args, key), deadline]);
    } catch (error) {
      if (isReplyError(error)) {
        // Redis answered: it is up, whatever it said.
        circuit.settle(true, admitted);
        if (command === 'EVALSHA' && replyCode(error) === 'NOSCRIPT') return NOSCRIPT;
        const code = replyCode(error);
        emit?.({ type: 'command-failed', command, reason: 'refused' });
        throw storeError(
          'refused',
          command,
          `Redis refused ${command} (${code}); tip-sdk went on without the shared cache. Check the Redis user's permissions (ACL), memory (maxmemory) and that it is a primary.`,
          { redisError: code },
        );
      }
      circuit.settle(false, admitted);
      emit?.({ type: 'command-failed', command, reason: 'unavailable' });
      const name = (error as { name?: unknown })?.name;
      throw storeError(
        'unavailable',
        command,
        `Redis could not be reached for ${command}; tip-sdk went on without the shared cache. Check that Redis is up and that the client is connected (node-redis: \`await client.connect()\`).`,
        typeof name === 'string' ? { errorName: name } : {},
      );
    } finally {
      clearTimeout(timer);
    }
    if (reply === TIMED_OUT) {
      circuit.settle(false, admitted);
      emit?.({ type: 'command-failed', command, reason: 'timeout' });
      throw storeError(
        'timeout',
        command,
        `Redis did not answer ${command} within ${timeoutMs} ms; tip-sdk went on without the shared cache. Check Redis latency and health, or raise \`commandTimeoutMs\`.`,
        { timeoutMs },
      );
    }
    circuit.settle(true, admitted);
    return reply;
  }

  return {
    send: run,
    async eval(script, key, args) {
      const reply = await run(['EVALSHA', script.sha, '1', key, ...args], key);
      if (reply !== NOSCRIPT) return reply;
      return run(['EVAL', script.source, '1', key, ...args], key);
    },
  };
}
