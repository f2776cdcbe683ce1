import { Redis, type RedisOptions } from 'ioredis';

/**
 * BullMQ needs `maxRetriesPerRequest: null` on connections its workers block on; the
 * readiness probe wants the opposite (fail fast, never queue commands while Redis is down).
 */
export function createRedisConnection(url: string, purpose: 'bullmq' | 'probe'): Redis {
  const options: RedisOptions =
    purpose === 'bullmq'
      ? { maxRetriesPerRequest: null, enableReadyCheck: true }
      : { maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: 2000, lazyConnect: false };
  const redis = new Redis(url, { ...options, retryStrategy: (attempt) => Math.min(attempt * 200, 2000) });
  // Connection errors surface through readiness and job retries; an unhandled 'error'
  // event would crash the process instead.
  redis.on('error', () => undefined);
  return redis;
}
