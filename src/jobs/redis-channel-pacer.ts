import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { ChannelBusyError, type ChannelPacer } from '../services/slack/channel-pacer';

/** Slack's documented limit for chat.postMessage: about one message per second per channel. */
export const CHANNEL_TURN_MS = 1000;

/** How soon work that found its key held looks again. */
const HELD_RETRY_MS = 200;
/** Deletes the key only while it still holds this holder's token (it may have expired and moved on). */
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** One turn per channel per `turnMs`, across every process sharing the Redis prefix. */
export function redisChannelPacer(redis: Redis, prefix: string, turnMs = CHANNEL_TURN_MS): ChannelPacer {
  return {
    async take(channel) {
      const key = `${prefix}:slack-pace:${channel}`;
      if ((await redis.set(key, '1', 'PX', turnMs, 'NX')) === 'OK') return;
      const left = await redis.pttl(key);
      throw new ChannelBusyError(channel, Math.max(1, left > 0 ? left : turnMs));
    },
    async exclusive(key, ttlMs, work) {
      const lock = `${prefix}:slack-exclusive:${key}`;
      const token = randomUUID();
      if ((await redis.set(lock, token, 'PX', ttlMs, 'NX')) !== 'OK')
        throw new ChannelBusyError(key, HELD_RETRY_MS);
      try {
        return await work();
      } finally {
        await redis.eval(RELEASE, 1, lock, token).catch(() => undefined);
      }
    },
  };
}
