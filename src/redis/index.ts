/**
 * `tip-sdk/redis`: a shared, encrypted cache store on Redis or Valkey for several replicas of a service
 * (`createTrustedIdentity({ cache: { store: redisCacheStore(…) } })`), over an ioredis or node-redis
 * client you pass in. Replicas then make one exchange per user, read each other's results (also for a JWT
 * another replica exchanged), and keep working from their local caches when Redis is down or slow.
 *
 * @packageDocumentation
 */
export { redisCacheStore } from './store.js';
export type { RedisCacheStore } from './store.js';
export type {
  RedisCacheStoreOptions,
  RedisCircuitOptions,
  RedisEncryptionKey,
  RedisEncryptionOptions,
} from './options.js';
export type { IoRedisLike, NodeRedisClusterLike, NodeRedisLike, RedisClientLike } from './client.js';
export type { RedisRejectedReason, RedisStoreEvent } from './events.js';
