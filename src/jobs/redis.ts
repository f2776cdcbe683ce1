import { Redis, type RedisOptions } from 'ioredis';

/**
 * BullMQ needs `maxRetriesPerRequest: null` on connections its workers block on; producers and
 * the readiness probe want the opposite (fail fast, never queue commands while Redis is down).
 */
const OPTIONS: Record<'worker' | 'producer' | 'probe', RedisOptions> = {
  worker: { maxRetriesPerRequest: null, enableReadyCheck: true },
  // Adding a job while Redis is down must fail at once: the outbox row waits for the sweep.
  producer: { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000 },
  // Queues a ping while the first connection is made (a probe right after boot must not fail
  // for that), and rejects it as soon as a connection attempt fails.
  probe: { maxRetriesPerRequest: 0, enableOfflineQueue: true, connectTimeout: 2000 },
};

export function createRedisConnection(url: string, purpose: keyof typeof OPTIONS): Redis {
  const options = OPTIONS[purpose];
  const redis = new Redis(url, { ...options, retryStrategy: (attempt) => Math.min(attempt * 200, 2000) });
  // Connection errors surface through readiness and job retries; an unhandled 'error'
  // event would crash the process instead.
  redis.on('error', () => undefined);
  return redis;
}
