import { expectEveryUpdateOnce, startUpdateStream } from './support/update-stream';
import { startFaultWorld, type FaultWorld } from './support/fault-world';

jest.setTimeout(240000);

/** Two web and two worker processes share one database and Redis: no update twice, none lost. */
describe('fault scenario: two web and two worker processes at once', () => {
  let world: FaultWorld;
  beforeAll(async () => {
    world = await startFaultWorld('scale_out');
  });
  afterAll(async () => world?.close());

  it('stores, posts and publishes every update once, in order', async () => {
    const startedAt = Date.now();
    await Promise.all([world.start('web'), world.start('web'), world.start('worker'), world.start('worker')]);
    const stream = startUpdateStream(world, 'scale');
    const result = await expectEveryUpdateOnce(world, stream, 'scale-out', startedAt);
    expect(result.updates).toBe(stream.total);
    expect(await world.stopAll()).toEqual(Array(4).fill({ code: 0, signal: null }));
  });
});
