/**
 * One way to send a raw command through the client the user passed in: ioredis (`Redis`, `Cluster`) or
 * node-redis v4+ (`createClient`, `createCluster`, from `redis` or `@redis/client`), against Redis or
 * Valkey. Only raw commands are used, whose shape is the same across those clients and versions; no
 * client package is imported.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import { optionError } from '../errors.js';

/** An ioredis client (`new Redis()`, `new Cluster()`): what the store uses of it. */
export interface IoRedisLike {
  /** Sends a raw command. */
  call(command: string, ...args: string[]): Promise<unknown>;
}

/** A node-redis client (`createClient()`): what the store uses of it. Connect it before use. */
export interface NodeRedisLike {
  /** Sends a raw command. */
  sendCommand(args: string[]): Promise<unknown>;
}

/** A node-redis cluster (`createCluster()`): what the store uses of it. Connect it before use. */
export interface NodeRedisClusterLike {
  /** Sends a raw command to the node serving `firstKey`. */
  sendCommand(
    firstKey: string | undefined,
    isReadonly: boolean | undefined,
    args: string[],
  ): Promise<unknown>;
  /** Present on clusters only (how one is told from a plain client). */
  getSlotMaster(slot: number): unknown;
}

/** A Redis or Valkey client from ioredis or node-redis (v4 and later). */
export type RedisClientLike = IoRedisLike | NodeRedisLike | NodeRedisClusterLike;

/** Sends `args` (command first) concerning `key` (to its primary); replies with Buffers become strings. */
export type SendCommand = (args: string[], key: string) => Promise<unknown>;

function text(reply: unknown): unknown {
  return Buffer.isBuffer(reply) ? reply.toString('utf8') : reply;
}

/**
 * The raw command function for `client`.
 *
 * @throws TypeError when `client` is none of the supported clients.
 */
export function commandSender(client: RedisClientLike): SendCommand {
  const c = client as unknown as Record<string, unknown> | null;
  if (typeof c !== 'object' || c === null) {
    throw optionError('client', 'must be an ioredis or node-redis client (connected)');
  }
  if (typeof c.call === 'function') {
    const io = client as IoRedisLike;
    return (args) => io.call(args[0]!, ...args.slice(1)).then(text);
  }
  if (typeof c.sendCommand === 'function') {
    if (typeof c.getSlotMaster === 'function') {
      const cluster = client as NodeRedisClusterLike;
      return (args, key) => cluster.sendCommand(key, false, args).then(text);
    }
    const node = client as NodeRedisLike;
    return (args) => node.sendCommand(args).then(text);
  }
  throw optionError(
    'client',
    'must be an ioredis client (`new Redis()` / `new Cluster()`) or a node-redis client (`createClient()` / `createCluster()`)',
  );
}

/** True for an error Redis itself answered (the server is up), as opposed to a transport failure. */
export function isReplyError(error: unknown): boolean {
  for (let p = error as object | null; p !== null && p !== undefined; p = Object.getPrototypeOf(p)) {
    const name = (p as { constructor?: { name?: unknown } }).constructor?.name;
    if (name === 'ReplyError' || name === 'ErrorReply') return true;
    if (name === 'Error' || name === 'Object') break;
  }
  return false;
}
