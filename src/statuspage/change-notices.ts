import type { Redis } from 'ioredis';
import { createRedisConnection } from '../jobs/redis';

/**
 * Publish jobs tell every web process that the public page changed (Redis pub/sub), so readers see
 * an update within milliseconds instead of at the next periodic check. Best effort: a lost notice
 * only means the periodic check (every 250 ms) finds the change.
 */
export function statusChangeChannel(prefix: string): string {
  return `${prefix}:statuspage:changed`;
}

export async function announceStatusChange(producer: Redis, prefix: string, updateId: string): Promise<void> {
  await producer.publish(statusChangeChannel(prefix), updateId).catch(() => undefined);
}

export function listenForStatusChanges(
  redisUrl: string,
  prefix: string,
  onChange: () => void,
): { close(): void } {
  const subscriber = createRedisConnection(redisUrl, 'worker');
  subscriber.subscribe(statusChangeChannel(prefix)).catch(() => undefined);
  subscriber.on('message', () => onChange());
  return { close: () => subscriber.disconnect() };
}
