import type { ChildProcess } from 'node:child_process';
import { outboxIdFor } from '../../src/jobs/outbox-topics';
import { VIEW_IDS } from '../../src/slack/ids';
import { freePort, startRedis, stopRedis } from '../support/redis-server';
import { declareFormValues, sendViewSubmission } from '../support/slack-requests';
import { startFaultWorld, type FaultWorld } from './support/fault-world';
import { expectEveryUpdateOnce, startUpdateStream } from './support/update-stream';

jest.setTimeout(240000);

/** How long Redis stays down; FAULT_REDIS_OUTAGE_MS overrides it. */
const OUTAGE_MS = Number(process.env.FAULT_REDIS_OUTAGE_MS ?? 30000);
const OUTAGE_VIEW_ID = 'VOUTAGE1';

/**
 * Redis (a server of this test's own, without persistence) is stopped mid-stream and started
 * again empty after OUTAGE_MS: jobs it held are gone, the outbox still has every row.
 */
describe(`fault scenario: Redis stopped for ${OUTAGE_MS / 1000} s mid-stream and restarted`, () => {
  let world: FaultWorld;
  let redis: ChildProcess | undefined;
  let port = 0;
  beforeAll(async () => {
    port = await freePort();
    redis = await startRedis(port);
    world = await startFaultWorld('redis_restart', { redisUrl: `redis://127.0.0.1:${port}` });
  });
  afterAll(async () => {
    // Processes finish their jobs before exiting, which needs Redis: bring it back if a failure left it down.
    if (redis && (redis.exitCode !== null || redis.signalCode !== null)) redis = await startRedis(port);
    await world?.close();
    if (redis) await stopRedis(redis);
  });

  it('stores, posts and publishes every update once, in order', async () => {
    const startedAt = Date.now();
    await Promise.all([world.start('web'), world.start('worker')]);
    const stream = startUpdateStream(world, 'redis');
    await stream.reached(Math.floor(stream.total / 3));
    await stopRedis(redis!);
    const downAt = Date.now();
    // A responder declares while Redis is down: acknowledged at once, kept in the outbox.
    // (Counting the stream's stored updates here instead raced: updates are applied by jobs, so
    // whether any landed during the outage depended on one being in a worker's hands at the stop.)
    const during = await sendViewSubmission(world.webUrls()[0]!, {
      callbackId: VIEW_IDS.declare,
      viewId: OUTAGE_VIEW_ID,
      privateMetadata: JSON.stringify({ originChannelId: 'C0GENERAL' }),
      values: declareFormValues({ title: 'Declared while Redis is down', severity: 'SEV3' }),
    });
    expect({ status: during.status, body: await during.text() }).toEqual({ status: 200, body: '' });
    expect(
      await world.db.query('SELECT status::text FROM "OutboxMessage" WHERE id = $1', [
        outboxIdFor(`declare:${OUTAGE_VIEW_ID}`),
      ]),
    ).toEqual([{ status: 'PENDING' }]);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, OUTAGE_MS - (Date.now() - downAt))));
    redis = await startRedis(port);
    const backAt = Date.now();
    const outageSeconds = (backAt - downAt) / 1000;

    const result = await expectEveryUpdateOnce(world, stream, 'redis-restart', startedAt);
    expect(result.updates).toBe(stream.total);
    // The declaration made during the outage was carried out once Redis was back, once.
    expect(
      await world.db.query('SELECT title FROM "Incident" WHERE "idempotencyKey" = $1', [
        `view:${OUTAGE_VIEW_ID}`,
      ]),
    ).toEqual([{ title: 'Declared while Redis is down' }]);
    // Jobs the empty Redis lost are offered again as soon as it is back, not after the relay's
    // two-minute staleness limit.
    expect((Date.now() - backAt) / 1000).toBeLessThan(60);
    expect(outageSeconds).toBeGreaterThanOrEqual(OUTAGE_MS / 1000);
    expect(await world.stopAll()).toEqual(Array(2).fill({ code: 0, signal: null }));
  });
});
