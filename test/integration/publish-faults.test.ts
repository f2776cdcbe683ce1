import { migrateDatabase } from '../../src/db/migrate';
import { createPool } from '../../src/db/pool';
import { createPrismaClient, type PrismaClient } from '../../src/db/prisma';
import { applyIncidentCommand } from '../../src/services/apply-incident-command';
import { declareIncident } from '../../src/services/declare-incident';
import { loadStatusSnapshot } from '../../src/statuspage/load-snapshot';
import {
  createTestDatabase,
  deleteRedisPrefix,
  uniqueRedisPrefix,
  type TestDatabase,
} from '../support/database';
import { spawnSitrep, waitFor, type SitrepProcess } from '../support/process';

jest.setTimeout(120000);

/**
 * Several worker processes publish the same outbox, one is killed with SIGKILL in the middle of a
 * burst and a new one starts (a relay restart): every update still reaches the public page once,
 * in order.
 */
describe('publishing under worker faults (real processes, PostgreSQL and Redis)', () => {
  let db: TestDatabase;
  let pool: ReturnType<typeof createPool>;
  let prisma: PrismaClient;
  const workers: SitrepProcess[] = [];
  const prefixes: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('faults');
    await migrateDatabase({ databaseUrl: db.url });
    pool = createPool(db.url);
    prisma = createPrismaClient(pool);
  });
  afterAll(async () => {
    for (const worker of workers)
      if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
    await prisma.$disconnect();
    await pool.end();
    await db.drop();
    await Promise.all(prefixes.map(deleteRedisPrefix));
  });

  async function postUpdates(incidentId: string, count: number, from: number) {
    for (let i = 0; i < count; i += 1) {
      const outcome = await applyIncidentCommand(
        prisma,
        incidentId,
        {
          type: 'post_update',
          stage: 'investigating',
          publicMessage: `update ${String(from + i).padStart(3, '0')}`,
          internalNote: '',
          notifySubscribers: false,
          requireStageChange: false,
          at: new Date(Date.UTC(2026, 1, 13, 7, 0, from + i)),
        },
        { actorId: 'U1' },
      );
      if (!outcome.ok) throw new Error(outcome.error);
    }
  }

  it('publishes every update exactly once, in order, with two workers, a SIGKILL and a restart', async () => {
    const prefix = uniqueRedisPrefix('faults');
    prefixes.push(prefix);
    // Short locks: a job cut off by the SIGKILL is taken over in seconds, not a minute.
    const env = { DATABASE_URL: db.url, REDIS_PREFIX: prefix, AUTO_MIGRATE: 'false', JOB_LOCK_MS: '2000' };
    workers.push(spawnSitrep(['worker'], env), spawnSitrep(['worker'], env));
    await Promise.all(workers.map((w) => w.port));

    const { incident } = await declareIncident(prisma, {
      title: 'Fault drill',
      summary: 'update 000',
      severity: 'SEV3',
      componentIds: [],
      leadId: 'U1',
      declaredById: 'U1',
      isPrivate: false,
      idempotencyKey: 'view:VFAULT',
      at: new Date(Date.UTC(2026, 1, 13, 7, 0, 0)),
    });
    await postUpdates(incident.id, 60, 1);
    workers[0]!.child.kill('SIGKILL');
    await postUpdates(incident.id, 60, 61);
    workers.push(spawnSitrep(['worker'], env));
    await postUpdates(incident.id, 30, 121);

    await waitFor(
      async () => {
        const [row] = await db.query<{ n: string }>(
          `SELECT count(*) AS n FROM "OutboxMessage" WHERE topic = 'statuspage.publish' AND status <> 'DONE'`,
        );
        return Number(row!.n) === 0 ? true : undefined;
      },
      90000,
      'every publication done',
    );
    const snapshot = await loadStatusSnapshot(prisma, {
      id: 'p',
      name: 'Drill',
      url: 'http://x',
      timeZone: 'UTC',
    });
    const bodies = snapshot.incidents[0]!.updates.map((u) => u.body);
    const expected = Array.from({ length: 151 }, (_, i) => `update ${String(150 - i).padStart(3, '0')}`);
    expect(bodies).toEqual(expected);
    const [published] = await db.query<{ n: string }>(
      'SELECT count(*) AS n FROM "IncidentUpdate" WHERE "publishedAt" IS NOT NULL',
    );
    expect(Number(published!.n)).toBe(151);

    await workers[2]!.port;
    for (const worker of workers.slice(1)) worker.child.kill('SIGTERM');
    const exits = await Promise.all(workers.slice(1).map((w) => w.exit));
    expect(exits).toEqual([
      { code: 0, signal: null },
      { code: 0, signal: null },
    ]);
  });

  it('loses nothing when PostgreSQL drops every connection mid-burst (as in a restart)', async () => {
    const prefix = uniqueRedisPrefix('pgdrop');
    prefixes.push(prefix);
    const worker = spawnSitrep(['worker'], {
      DATABASE_URL: db.url,
      REDIS_PREFIX: prefix,
      AUTO_MIGRATE: 'false',
    });
    workers.push(worker);
    await worker.port;
    const { incident } = await declareIncident(prisma, {
      title: 'Database drill',
      summary: 'update 000',
      severity: 'SEV3',
      componentIds: [],
      leadId: 'U1',
      declaredById: 'U1',
      isPrivate: false,
      idempotencyKey: 'view:VPGDROP',
      at: new Date(Date.UTC(2026, 1, 13, 6, 59, 0)),
    });
    const dropping = (async () => {
      for (let i = 0; i < 4; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        // What clients see when PostgreSQL restarts: every connection to the database is cut.
        await db.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
          [db.name],
        );
      }
    })();
    for (let i = 1; i <= 80; i += 1) {
      for (let attempt = 0; ; attempt += 1) {
        try {
          await postUpdates(incident.id, 1, i);
          break;
        } catch (error) {
          // The test's own connection was cut too; a responder would simply submit again.
          if (attempt >= 5) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    }
    await dropping;
    await waitFor(
      async () => {
        const [row] = await db.query<{ n: string }>(
          `SELECT count(*) AS n FROM "OutboxMessage" o JOIN "Incident" i ON i.id::text = o."aggregateId"
            WHERE i.id = $1 AND o.topic = 'statuspage.publish' AND o.status <> 'DONE'`,
          [incident.id],
        );
        return Number(row!.n) === 0 ? true : undefined;
      },
      90000,
      'publications done after the drops',
    );
    const snapshot = await loadStatusSnapshot(prisma, {
      id: 'p',
      name: 'Drill',
      url: 'http://x',
      timeZone: 'UTC',
    });
    const drill = snapshot.incidents.find((i) => i.id === incident.id)!;
    const bodies = drill.updates.map((u) => u.body);
    expect(new Set(bodies).size).toBe(bodies.length);
    expect(bodies[bodies.length - 1]).toBe('update 000');
    expect(bodies).toEqual([...bodies].sort().reverse());
    const [stored] = await db.query<{ n: string; published: string }>(
      `SELECT count(*) AS n, count("publishedAt") AS published FROM "IncidentUpdate" WHERE "incidentId" = $1`,
      [incident.id],
    );
    expect(Number(stored!.published)).toBe(Number(stored!.n));
    worker.child.kill('SIGTERM');
    expect(await worker.exit).toEqual({ code: 0, signal: null });
  });
});
