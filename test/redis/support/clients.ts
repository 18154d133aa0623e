/**
 * The two client libraries the store supports, each connected to a test server: ioredis and node-redis.
 * Settings a deployment would use: no offline queue, so a call to a Redis that is down fails at once.
 */
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import type { RedisClientLike } from '../../../src/redis/client.js';

/** A connected client and how to close it. */
export interface TestClient {
  readonly client: RedisClientLike;
  close(): Promise<void>;
}

export type ClientKind = 'ioredis' | 'node-redis';
export const CLIENT_KINDS: readonly ClientKind[] = ['ioredis', 'node-redis'];

export async function connectClient(kind: ClientKind, port: number): Promise<TestClient> {
  if (kind === 'ioredis') {
    const client = new Redis({
      port,
      host: '127.0.0.1',
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: () => 50,
    });
    client.on('error', () => undefined);
    await client.connect();
    return { client, close: async () => client.disconnect() };
  }
  const client = createClient({
    socket: { port, host: '127.0.0.1', reconnectStrategy: () => 50 },
    disableOfflineQueue: true,
  });
  client.on('error', () => undefined);
  await client.connect();
  return {
    client,
    close: async () => {
      client.destroy();
    },
  };
}
