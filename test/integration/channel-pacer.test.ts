import { Redis } from 'ioredis';
import { redisChannelPacer } from '../../src/jobs/redis-channel-pacer';
import { ChannelBusyError } from '../../src/services/slack/channel-pacer';
import { deleteRedisPrefix, REDIS_URL, uniqueRedisPrefix } from '../support/database';

describe('redisChannelPacer (real Redis)', () => {
  const prefix = uniqueRedisPrefix('pacer');
  const redis = new Redis(REDIS_URL);
  afterAll(async () => {
    redis.disconnect();
    await deleteRedisPrefix(prefix);
  });

  it('gives each channel one turn per interval, shared by every pacer on the prefix', async () => {
    const first = redisChannelPacer(redis, prefix, 300);
    const second = redisChannelPacer(redis, prefix, 300); // another worker process
    await expect(first.take('C1')).resolves.toBeUndefined();
    const busy = await second.take('C1').catch((error: unknown) => error);
    expect(busy).toBeInstanceOf(ChannelBusyError);
    expect((busy as ChannelBusyError).waitMs).toBeGreaterThan(0);
    expect((busy as ChannelBusyError).waitMs).toBeLessThanOrEqual(300);
    await expect(second.take('C2')).resolves.toBeUndefined(); // channels are paced apart
    await new Promise((resolve) => setTimeout(resolve, (busy as ChannelBusyError).waitMs + 20));
    await expect(second.take('C1')).resolves.toBeUndefined();
  });
});
