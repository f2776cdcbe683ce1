import { waitFor } from '../support/process';
import { startFaultWorld, type FaultWorld } from './support/fault-world';
import { expectEveryUpdateOnce, startUpdateStream } from './support/update-stream';

jest.setTimeout(240000);

/**
 * Slack misbehaves for a while mid-stream: 429s with Retry-After, 500s, and posts it carries out
 * but answers too late (past the job client's 10 s timeout).
 */
describe('fault scenario: Slack answers 429 with Retry-After, 500s and timeouts for a while', () => {
  let world: FaultWorld;
  beforeAll(async () => {
    world = await startFaultWorld('slack_errors');
  });
  afterAll(async () => world?.close());

  it('stores, posts and publishes every update once, in order', async () => {
    const startedAt = Date.now();
    await Promise.all([world.start('web'), world.start('worker')]);
    const stream = startUpdateStream(world, 'slack');
    await stream.reached(Math.floor(stream.total / 4));
    const { fake } = world;
    const postsBefore = fake.callsTo('chat.postMessage').length;
    fake.failNext('chat.postMessage', 'ratelimited', { retryAfterSeconds: 2, times: 4 });
    fake.failNext('chat.postMessage', 'internal_error', { status: 500, times: 3 });
    fake.failNext('chat.update', 'ratelimited', { retryAfterSeconds: 1, times: 2 });
    fake.failNext('chat.update', 'internal_error', { status: 503, times: 2 });
    await waitFor(
      async () => (fake.callsTo('chat.postMessage').length >= postsBefore + 7 ? true : undefined),
      60000,
      'the 429s and 500s answered',
    );
    // Posts are made but answered after the client gave up (10 s): the job cannot know they landed.
    const beforeTimeouts = fake.callsTo('chat.postMessage').length;
    fake.delay('chat.postMessage', 11000, { carryOutFirst: true });
    await waitFor(
      async () => (fake.callsTo('chat.postMessage').length >= beforeTimeouts + 2 ? true : undefined),
      60000,
      'two posts timed out',
    );
    fake.delay('chat.postMessage', 0);

    const result = await expectEveryUpdateOnce(world, stream, 'slack-errors', startedAt);
    expect(result.updates).toBe(stream.total);
    expect(await world.stopAll()).toEqual(Array(2).fill({ code: 0, signal: null }));
  });
});
