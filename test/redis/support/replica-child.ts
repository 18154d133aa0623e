/**
 * One replica of a service, in its own Node process: its own createTrustedIdentity with the Redis store,
 * against the emulator its parent started. It answers newline-delimited JSON requests on stdin:
 * - `{ id, op: 'forToken', token }` → `{ id, ok: true, subject, idcUserId, arn }` (the ARN from STS
 *   GetCallerIdentity with the session's credentials) or `{ id, ok: false, code }`;
 * - `{ id, op: 'clear' }` drops the local cache; `{ id, op: 'stats' }` answers the events counted.
 * It reports `{ event: 'exchange.started', subject }` as CreateTokenWithIAM calls start, so the parent
 * can act while one is in flight (e.g. kill this process).
 */
import { createInterface } from 'node:readline';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { isTipError } from '../../../src/errors.js';
import { allowInsecureRequests } from '../../../src/jwt/insecure.js';
import type { RedisClientLike } from '../../../src/redis/client.js';
import { redisCacheStore } from '../../../src/redis/store.js';
import { createTrustedIdentity } from '../../../src/tip.js';
import type { ReplicaConfig } from './replicas.js';

const config = JSON.parse(process.env.TIP_REPLICA ?? '{}') as ReplicaConfig;
const write = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);
const counts: Record<string, number> = {};
const count = (name: string) => {
  counts[name] = (counts[name] ?? 0) + 1;
};

async function connect(): Promise<RedisClientLike> {
  if (config.client === 'ioredis') {
    const client = new Redis({
      port: config.redisPort,
      host: '127.0.0.1',
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: () => 100,
    });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  }
  const client = createClient({
    socket: { port: config.redisPort, host: '127.0.0.1', reconnectStrategy: () => 100 },
    disableOfflineQueue: true,
  });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

const store = redisCacheStore({
  client: await connect(),
  keyPrefix: config.keyPrefix,
  encryption: { keys: [{ id: 'k1', key: config.encryptionKey }] },
  commandTimeoutMs: config.commandTimeoutMs,
  circuitBreaker: { failures: 3, openMs: config.circuitOpenMs },
  onEvent: (e) => count(`redis.${e.type}`),
});
const tip = createTrustedIdentity({
  region: config.region,
  issuers: [
    allowInsecureRequests({ issuer: config.issuer, audience: config.audience, algorithms: ['RS256'] }),
  ],
  applicationArn: config.applicationArn,
  accessRoleArn: config.accessRoleArn,
  clientConfig: { endpoint: config.endpoint, credentials: config.credentials },
  cache: { store, lockLeaseMs: config.lockLeaseMs, storeTimeoutMs: config.storeTimeoutMs },
  timeouts: { baseDelayMs: 1, maxDelayMs: 10 },
  events: (e) => {
    count(e.type === 'cache.store' ? `cache.store.${e.outcome}` : e.type);
    if (e.type === 'exchange.started') write({ event: 'exchange.started', subject: e.subject });
  },
});

/** STS clients signing with given credentials, by access key id (they change only on refresh). */
const callers = new Map<string, STSClient>();

/** Who the credentials of this very request's session are, asked of STS (GetCallerIdentity). */
async function forToken(token: string) {
  const session = await tip.forToken(token);
  const credentials = await session.credentials();
  let sts = callers.get(credentials.accessKeyId);
  if (sts === undefined) {
    sts = new STSClient({ region: config.region, endpoint: config.endpoint, credentials, maxAttempts: 1 });
    callers.set(credentials.accessKeyId, sts);
  }
  const me = await sts.send(new GetCallerIdentityCommand({}));
  return { subject: session.identity.subject, idcUserId: session.identity.idcUserId, arn: me.Arn };
}

createInterface({ input: process.stdin }).on('line', (line) => {
  const request = JSON.parse(line) as { id: number; op: string; token?: string };
  const answer = async () => {
    if (request.op === 'clear') {
      tip.clearCache();
      callers.clear();
      return {};
    }
    if (request.op === 'stats') return { counts };
    return forToken(request.token!);
  };
  answer().then(
    (result) => write({ id: request.id, ok: true, ...result }),
    (error: unknown) =>
      write({
        id: request.id,
        ok: false,
        code: isTipError(error) ? error.code : undefined,
        message: String((error as Error)?.message ?? error),
      }),
  );
});
write({ ready: true });
