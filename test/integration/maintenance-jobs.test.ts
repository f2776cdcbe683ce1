import { Queue, QueueEvents, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { migrateDatabase } from '../../src/db/migrate';
import { readLocalMigrations } from '../../src/db/migrations-directory';
import { createPool } from '../../src/db/pool';
import { createPrismaClient, type PrismaClient } from '../../src/db/prisma';
import { SchemaGuard } from '../../src/db/schema-guard';
import { createMetrics } from '../../src/http/metrics';
import { createMaintenanceQueue, createMaintenanceWorker } from '../../src/jobs/maintenance-worker';
import { QUEUE_NAMES } from '../../src/jobs/queues';
import { createRedisConnection } from '../../src/jobs/redis';
import { SchemaGatedWorkers } from '../../src/runtime/gated-workers';
import { captureLogs } from '../support/log-capture';
import { createTestDatabase, REDIS_URL, uniqueRedisPrefix, type TestDatabase } from '../support/database';

const DAY = 24 * 60 * 60 * 1000;

describe('maintenance jobs (real BullMQ, Redis and PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: ReturnType<typeof createPool>;
  let prisma: PrismaClient;
  let redis: Redis;
  let prefix: string;
  let queue: Queue;
  let events: QueueEvents;
  let eventsConnection: Redis;
  const logs = captureLogs();

  beforeAll(async () => {
    db = await createTestDatabase('jobs');
    await migrateDatabase({ databaseUrl: db.url });
    pool = createPool(db.url);
    prisma = createPrismaClient(pool);
    redis = createRedisConnection(REDIS_URL, 'worker');
  });
  beforeEach(async () => {
    prefix = uniqueRedisPrefix('jobs');
    queue = createMaintenanceQueue({ connection: redis, prefix });
    eventsConnection = redis.duplicate();
    events = new QueueEvents(QUEUE_NAMES.maintenance, { connection: eventsConnection, prefix });
    await events.waitUntilReady();
  });
  afterEach(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    await events.close();
    eventsConnection.disconnect();
  });
  afterAll(async () => {
    await prisma.$disconnect();
    await pool.end();
    redis.disconnect();
    await db.drop();
  });

  it('prunes only outbox rows published more than the retention period ago', async () => {
    const now = Date.now();
    await prisma.outboxMessage.createMany({
      data: [
        {
          id: '00000000-0000-4000-8000-000000000001',
          topic: 't',
          payload: {},
          status: 'DONE',
          processedAt: new Date(now - 10 * DAY),
        },
        {
          id: '00000000-0000-4000-8000-000000000002',
          topic: 't',
          payload: {},
          status: 'DONE',
          processedAt: new Date(now - 1 * DAY),
        },
        {
          id: '00000000-0000-4000-8000-000000000003',
          topic: 't',
          payload: {},
          status: 'PENDING',
          createdAt: new Date(now - 30 * DAY),
        },
        {
          id: '00000000-0000-4000-8000-000000000004',
          topic: 't',
          payload: {},
          status: 'FAILED',
          processedAt: new Date(now - 30 * DAY),
        },
      ],
    });
    const worker = createMaintenanceWorker({
      connection: redis,
      prefix,
      prisma,
      logger: logs.logger,
      metrics: createMetrics(),
    });
    void worker.run();
    try {
      const job = await queue.add('prune-outbox', { task: 'prune-outbox', version: 1, retentionDays: 7 });
      await expect(job.waitUntilFinished(events, 10000)).resolves.toEqual({ removed: 1 });
    } finally {
      await worker.close();
    }
    const left = await prisma.outboxMessage.findMany({ orderBy: { id: 'asc' }, select: { id: true } });
    expect(left.map((row) => row.id.slice(-1))).toEqual(['2', '3', '4']);
  });

  it('fails a payload that can never succeed at once, without retrying', async () => {
    const worker = createMaintenanceWorker({
      connection: redis,
      prefix,
      prisma,
      logger: logs.logger,
      metrics: createMetrics(),
    });
    void worker.run();
    try {
      const job = await queue.add(
        'prune-outbox',
        { task: 'prune-outbox', version: 1, retentionDays: -3 },
        { attempts: 5 },
      );
      await expect(job.waitUntilFinished(events, 10000)).rejects.toThrow(/Invalid maintenance job payload/);
      const failed = await queue.getJob(job.id!);
      expect(failed?.attemptsMade).toBe(1);
    } finally {
      await worker.close();
    }
  });

  describe('SchemaGatedWorkers', () => {
    it('does not take jobs while the schema does not match, and starts once it does', async () => {
      const fresh = await createTestDatabase('jobs_gate');
      const freshPool = createPool(fresh.url);
      try {
        const guard = new SchemaGuard({
          pool: freshPool,
          localMigrations: readLocalMigrations(),
          logger: logs.logger,
        });
        let processed = 0;
        const worker = new Worker(QUEUE_NAMES.maintenance, async () => void (processed += 1), {
          connection: redis,
          prefix,
          autorun: false,
        });
        const gated = new SchemaGatedWorkers({
          workers: [worker],
          guard,
          logger: logs.logger,
          intervalMs: 100,
        });
        await gated.begin();
        const job = await queue.add('anything', { task: 'prune-outbox', version: 1, retentionDays: 7 });
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(gated.running).toBe(false);
        expect(processed).toBe(0);

        await migrateDatabase({ databaseUrl: fresh.url });
        await job.waitUntilFinished(events, 10000);
        expect(gated.running).toBe(true);
        expect(processed).toBe(1);
        await gated.close();
      } finally {
        await freshPool.end();
        await fresh.drop();
      }
    });

    it('on close, finishes the job in flight before resolving', async () => {
      const guard = new SchemaGuard({ pool, localMigrations: readLocalMigrations(), logger: logs.logger });
      let finished = false;
      let startedJob: () => void = () => undefined;
      const started = new Promise<void>((resolve) => (startedJob = resolve));
      const worker = new Worker(
        QUEUE_NAMES.maintenance,
        async () => {
          startedJob();
          await new Promise((resolve) => setTimeout(resolve, 800));
          finished = true;
        },
        { connection: redis, prefix, autorun: false },
      );
      const gated = new SchemaGatedWorkers({ workers: [worker], guard, logger: logs.logger });
      await gated.begin();
      const job = await queue.add('slow', {});
      await started;
      await gated.close();
      expect(finished).toBe(true);
      expect(await (await queue.getJob(job.id!))?.getState()).toBe('completed');
    });
  });
});
