import type { Redis } from 'ioredis';
import { ChannelBusyError, type ChannelPacer } from '../services/slack/channel-pacer';

/** Slack's documented limit for chat.postMessage: about one message per second per channel. */
export const CHANNEL_TURN_MS = 1000;

/** One turn per channel per `turnMs`, across every process sharing the Redis prefix. */
export function redisChannelPacer(redis: Redis, prefix: string, turnMs = CHANNEL_TURN_MS): ChannelPacer {
  return {
    async take(channel) {
      const key = `${prefix}:slack-pace:${channel}`;
      if ((await redis.set(key, '1', 'PX', turnMs, 'NX')) === 'OK') return;
      const left = await redis.pttl(key);
      throw new ChannelBusyError(channel, Math.max(1, left > 0 ? left : turnMs));
    },
  };
}
