import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { migrateDatabase } from '../../src/db/migrate';
import { createPool } from '../../src/db/pool';
import { createPrismaClient, type PrismaClient } from '../../src/db/prisma';
import { OUTBOX_JOB_OPTIONS, OutboxRelay, outboxJobId } from '../../src/jobs/outbox-relay';
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
});
