/**
 * A real `redis-server` for one test file (examples/replicas/redis-server.ts starts it: a free loopback
 * port, no persistence, stopped by pid, restartable on the same port), with an admin connection (ioredis)
 * for inspecting and corrupting what the store wrote.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { type LocalRedis, startLocalRedis } from '../../../examples/replicas/redis-server.js';

/** A running (or stopped) server. */
export interface RedisServer extends LocalRedis {
  /** An admin client (not the store's), for INFO, SCAN, corruption. */
  readonly admin: Redis;
  /** Calls per command since the server started (`INFO commandstats`), e.g. `{ get: 3 }`. */
  commandCalls(): Promise<Record<string, number>>;
}

/** Starts a server with its admin client. */
export async function startRedisServer(): Promise<RedisServer> {
  const local = await startLocalRedis();
  const admin = new Redis({
    port: local.port,
    host: '127.0.0.1',
    lazyConnect: true,
    maxRetriesPerRequest: 3,
  });
  admin.on('error', () => undefined);
  await admin.connect();
  return {
    ...local,
    admin,
    async commandCalls() {
      const info = await admin.info('commandstats');
      const calls: Record<string, number> = {};
      for (const m of info.matchAll(/^cmdstat_([a-z|]+):calls=(\d+)/gm)) calls[m[1]!] = Number(m[2]);
      return calls;
    },
    async dispose() {
      admin.disconnect();
      await local.dispose();
    },
  };
}

/** A server for the tests of one file: started before them, stopped (by pid) after them. */
export function useRedisServer(): () => RedisServer {
  let server: RedisServer | undefined;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server?.dispose();
  });
  return () => server!;
}
