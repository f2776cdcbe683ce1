import { waitFor } from '../support/process';
import { startFaultWorld, type FaultWorld } from './support/fault-world';
import { expectEveryUpdateOnce, startUpdateStream } from './support/update-stream';

jest.setTimeout(240000);

/**
 * The worker is killed with SIGKILL while a Slack post is in flight (Slack gets the message, the
 * worker never hears back), then started again: the post must not be made twice.
 */
describe('fault scenario: a worker killed with SIGKILL mid-job, then restarted', () => {
  let world: FaultWorld;
  beforeAll(async () => {
    world = await startFaultWorld('worker_kill');
  });
  afterAll(async () => world?.close());

  it('stores, posts and publishes every update once, in order', async () => {
    const startedAt = Date.now();
    await world.start('web');
    const first = await world.start('worker');
    const stream = startUpdateStream(world, 'kill');
    await stream.reached(Math.floor(stream.total / 3));

    // Hold the next update post at "Slack" so the kill lands while the job is inside it.
    const before = world.fake.callsTo('chat.postMessage').length;
    world.fake.delay('chat.postMessage', 1500);
    await waitFor(
      async () => (world.fake.callsTo('chat.postMessage').length > before ? true : undefined),
      30000,
      'a post in flight',
    );
    first.process.child.kill('SIGKILL');
    expect(await first.process.exit).toEqual({ code: null, signal: 'SIGKILL' });
    world.fake.delay('chat.postMessage', 0);
    await world.start('worker');

    const result = await expectEveryUpdateOnce(world, stream, 'worker-kill', startedAt);
    expect(result.updates).toBe(stream.total);
    expect(await world.stopAll()).toEqual(Array(2).fill({ code: 0, signal: null }));
  });
});
