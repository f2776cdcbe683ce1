import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { migrateDatabase } from '../../src/db/migrate';
import { createPool } from '../../src/db/pool';
import { createPrismaClient, type PrismaClient } from '../../src/db/prisma';
import { OUTBOX_JOB_OPTIONS, OutboxRelay, outboxJobId } from '../../src/jobs/outbox-relay';
import { outboxDraft } from '../../src/jobs/outbox-topics';
import { queueSubmission, SUBMISSION_HANDOVER_MS } from '../../src/services/queue-submission';
import { captureLogs } from '../support/log-capture';
import {
  createTestDatabase,
  deleteRedisPrefix,
  REDIS_URL,
  uniqueRedisPrefix,
  type TestDatabase,
} from '../support/database';

describe('OutboxRelay sweep (real PostgreSQL and Redis)', () => {
  let db: TestDatabase;
  let pool: ReturnType<typeof createPool>;
  let prisma: PrismaClient;
  const prefix = uniqueRedisPrefix('relay');
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  let queue: Queue;

  beforeAll(async () => {
    db = await createTestDatabase('relay');
    await migrateDatabase({ databaseUrl: db.url });
    pool = createPool(db.url);
    prisma = createPrismaClient(pool);
    queue = new Queue('relay-test', { connection, prefix });
  });
  afterAll(async () => {
    await queue.close();
    connection.disconnect();
    await prisma.$disconnect();
    await pool.end();
    await db.drop();
    await deleteRedisPrefix(prefix);
  });

  const staleEnqueuedRow = () =>
    prisma.outboxMessage.create({
      data: {
        topic: 'slack.update_posted',
        aggregateId: 'incident',
        payload: {},
        status: 'ENQUEUED',
        availableAt: new Date(Date.now() - 10 * 60 * 1000),
      },
    });

  it('marks a row FAILED when its job failed for good, and re-adds a job Redis lost', async () => {
    const failed = await staleEnqueuedRow();
    const lost = await staleEnqueuedRow();
    // The first row's job failed for good, but its row could not be marked at the time.
    await queue.add(
      'slack.update_posted',
      { outboxId: failed.id },
      {
        ...OUTBOX_JOB_OPTIONS,
        jobId: outboxJobId(failed.id),
      },
    );
    const workerConnection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const worker = new Worker(
      'relay-test',
      async () => {
        throw new UnrecoverableError('channel_not_found');
      },
      { connection: workerConnection, prefix },
    );
    await new Promise<void>((resolve) => worker.once('failed', () => resolve()));
    await worker.close();
    workerConnection.disconnect();

    const relay = new OutboxRelay({
      prisma,
      logger: captureLogs().logger,
      topics: ['slack.update_posted'],
      queueFor: () => queue,
    });
    await relay.sweep();

    expect(await prisma.outboxMessage.findUniqueOrThrow({ where: { id: failed.id } })).toMatchObject({
      status: 'FAILED',
      lastError: 'channel_not_found',
    });
    expect(await prisma.outboxMessage.findUniqueOrThrow({ where: { id: lost.id } })).toMatchObject({
      status: 'ENQUEUED',
    });
    expect(await queue.getJob(outboxJobId(lost.id))).toBeDefined();
  });

  describe('stored submissions', () => {
    const submission = (viewId: string) =>
      outboxDraft('incident.declare_requested', `view:${viewId}`, {
        v: 1,
        viewId,
        userId: 'U1',
        at: new Date().toISOString(),
        submission: {
          title: 'Checkout fails',
          severity: 'SEV2',
          summary: '',
          componentIds: [],
          leadId: 'U1',
          isPrivate: false,
        },
      });
    const relayFor = (topics: ['incident.declare_requested']) =>
      new OutboxRelay({ prisma, logger: captureLogs().logger, topics, queueFor: () => queue });
    const waitForJob = async (id: string) => {
      for (let i = 0; i < 100; i++) {
        const job = await queue.getJob(outboxJobId(id));
        if (job) return job;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return undefined;
    };

    it('offers a stored submission to its queue without writing its row again; the sweep leaves it alone meanwhile', async () => {
      const relay = relayFor(['incident.declare_requested']);
      const stored = await queueSubmission(pool, submission('V-offered'), 'declare:V-offered');
      relay.offerStoredSoon([stored]);
      expect(await waitForJob(stored.id)).toBeDefined();
      await relay.sweep();
      const row = await prisma.outboxMessage.findUniqueOrThrow({ where: { id: stored.id } });
      expect(row.status).toBe('PENDING');
      expect(row.availableAt.getTime() - row.createdAt.getTime()).toBeGreaterThanOrEqual(
        SUBMISSION_HANDOVER_MS - 1,
      );
      // A repeated delivery stores nothing and offers the same job again: still one job.
      const again = await queueSubmission(pool, submission('V-offered'), 'declare:V-offered');
      relay.offerStoredSoon([again]);
      expect(again.id).toBe(stored.id);
      expect(await prisma.outboxMessage.count({ where: { id: stored.id } })).toBe(1);
      const jobs = await queue.getJobs(['waiting', 'delayed', 'active']);
      expect(jobs.filter((job) => job.id === outboxJobId(stored.id))).toHaveLength(1);
    });

    it('hands a submission that was never offered (its process died after the insert) to the queue once the handover time is over', async () => {
      const relay = relayFor(['incident.declare_requested']);
      const stored = await queueSubmission(pool, submission('V-orphan'), 'declare:V-orphan');
      await relay.sweep();
      expect(await queue.getJob(outboxJobId(stored.id))).toBeUndefined();
      await relay.sweep(new Date(Date.now() + SUBMISSION_HANDOVER_MS + 1000));
      expect(await queue.getJob(outboxJobId(stored.id))).toBeDefined();
      expect(await prisma.outboxMessage.findUniqueOrThrow({ where: { id: stored.id } })).toMatchObject({
        status: 'ENQUEUED',
      });
    });
  });
});
