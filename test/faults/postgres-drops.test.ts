import { startFaultWorld, type FaultWorld } from './support/fault-world';
import { expectEveryUpdateOnce, startUpdateStream } from './support/update-stream';

jest.setTimeout(240000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every connection to the database is cut, several times, mid-stream (what a PostgreSQL restart does to clients). */
describe('fault scenario: PostgreSQL connections dropped mid-stream', () => {
  let world: FaultWorld;
  beforeAll(async () => {
    world = await startFaultWorld('pg_drops');
  });
  afterAll(async () => world?.close());

  it('stores, posts and publishes every update once, in order', async () => {
    const startedAt = Date.now();
    await Promise.all([world.start('web'), world.start('worker')]);
    const stream = startUpdateStream(world, 'pgdrop');
    await stream.reached(Math.floor(stream.total / 4));
    let terminated = 0;
    for (let round = 0; round < 5; round += 1) {
      const rows = await world.db.query<{ ok: boolean }>(
        `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
          WHERE datname = $1 AND pid <> pg_backend_pid()`,
        [world.db.name],
      );
      terminated += rows.filter((r) => r.ok).length;
      await sleep(700);
    }
    expect(terminated).toBeGreaterThan(0);

    const result = await expectEveryUpdateOnce(world, stream, 'postgres-drops', startedAt);
    expect(result.updates).toBe(stream.total);
    expect(await world.stopAll()).toEqual(Array(2).fill({ code: 0, signal: null }));
  });
});
