import type { ChildProcess } from 'node:child_process';
import { migrateDatabase } from '../../src/db/migrate';
import { createPool } from '../../src/db/pool';
import { createPrismaClient, type PrismaClient } from '../../src/db/prisma';
import { applyIncidentCommand } from '../../src/services/apply-incident-command';
import { declareIncident } from '../../src/services/declare-incident';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { waitFor } from '../support/process';
import { freePort, startRedis } from '../support/redis-server';
import { bootSitrep, type SitrepUnderTest } from '../support/sitrep-harness';

jest.setTimeout(90000);

describe('a Redis outage (own redis-server, real PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: ReturnType<typeof createPool>;
  let prisma: PrismaClient;
  let redis: ChildProcess | undefined;
  let redisPort = 0;
  let app: SitrepUnderTest | undefined;

  beforeAll(async () => {
    db = await createTestDatabase('redis_outage');
    await migrateDatabase({ databaseUrl: db.url });
    pool = createPool(db.url);
    prisma = createPrismaClient(pool);
  });
  afterAll(async () => {
    // Workers finish their jobs before closing, which needs Redis: bring it back if a failure left it down.
    if (app && redis && redis.exitCode !== null) redis = await startRedis(redisPort);
    await app?.stop();
    redis?.kill('SIGKILL');
    await prisma.$disconnect();
    await pool.end();
    await db.drop();
  });

  const published = async () =>
    Number(
      (
        await db.query<{ n: string }>(
          'SELECT count(*) AS n FROM "IncidentUpdate" WHERE "publishedAt" IS NOT NULL',
        )
      )[0]!.n,
    );

  it('keeps updates in the outbox while Redis is down and publishes them, once, when it is back', async () => {
    const port = await freePort();
    redisPort = port;
    redis = await startRedis(port);
    app = await bootSitrep(
      { DATABASE_URL: db.url, REDIS_URL: `redis://127.0.0.1:${port}`, REDIS_PREFIX: 'outage' },
      'all',
    );
    const { incident } = await declareIncident(prisma, {
      title: 'Redis drill',
      summary: 'first',
      severity: 'SEV3',
      componentIds: [],
      leadId: 'U1',
      declaredById: 'U1',
      isPrivate: false,
      idempotencyKey: 'view:VREDIS',
      at: new Date(Date.UTC(2026, 1, 13, 7, 0, 0)),
    });
    await waitFor(async () => ((await published()) === 1 ? true : undefined), 15000, 'first publication');

    redis.kill('SIGKILL');
    await new Promise((resolve) => redis!.once('exit', resolve));
    for (let i = 1; i <= 5; i += 1) {
      const outcome = await applyIncidentCommand(
        prisma,
        incident.id,
        {
          type: 'post_update',
          stage: 'investigating',
          publicMessage: `while Redis is down ${i}`,
          internalNote: '',
          notifySubscribers: false,
          requireStageChange: false,
          at: new Date(Date.UTC(2026, 1, 13, 7, 0, i)),
        },
        { actorId: 'U1' },
      );
      expect(outcome.ok).toBe(true);
    }
    const down = await app.getJson('/readyz');
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ checks: { redis: { ok: false }, database: { ok: true } } });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await published()).toBe(1);
    const [pending] = await db.query<{ n: string }>(
      `SELECT count(*) AS n FROM "OutboxMessage" WHERE status = 'PENDING' AND topic = 'statuspage.publish'`,
    );
    expect(Number(pending!.n)).toBe(5);

    redis = await startRedis(port);
    await waitFor(
      async () => ((await published()) === 6 ? true : undefined),
      30000,
      'publications after Redis is back',
    );
    await waitFor(
      async () => ((await app!.getJson('/readyz')).status === 200 ? true : undefined),
      15000,
      'ready again',
    );
    await waitFor(
      async () => {
        const fresh = JSON.parse(await (await fetch(`${app!.baseUrl}/api/v2/incidents.json`)).text()) as {
          incidents: { incident_updates: { body: string }[] }[];
        };
        return fresh.incidents[0]?.incident_updates.length === 6 ? fresh : undefined;
      },
      5000,
      'page shows all six',
    );
  });

  it('still shuts down promptly when Redis is gone', async () => {
    redis!.kill('SIGKILL');
    await new Promise((resolve) => redis!.once('exit', resolve));
    const started = Date.now();
    await app!.stop();
    app = undefined;
    expect(Date.now() - started).toBeLessThan(9000);
  });
});
