import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { PrismaClient } from '../db/prisma';
import type { OutboxTopic } from './outbox-topics';

/** BullMQ job ids may not contain ':' nor be all digits; this one is stable per outbox row. */
export function outboxJobId(outboxId: string): string {
  return `outbox-${outboxId}`;
}

/** Rows marked ENQUEUED longer than this are re-offered: Redis may have lost the job. */
const STALE_ENQUEUED_MS = 2 * 60 * 1000;

export const OUTBOX_JOB_OPTIONS = {
  attempts: 12,
  backoff: { type: 'exponential', delay: 1000, jitter: 0.2 },
  removeOnComplete: { age: 3600, count: 5000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;

/** Job id = outbox id: offering a row again adds nothing while its job is kept. */
function addJob(queue: Queue, row: { id: string; topic: string }) {
  return queue.add(row.topic, { outboxId: row.id }, { ...OUTBOX_JOB_OPTIONS, jobId: outboxJobId(row.id) });
}

/**
 * Moves outbox rows to BullMQ. Web processes call `enqueue` right after a commit (fast path);
 * the worker's sweep picks up whatever that missed (Redis was down, the process died). Job id =
 * outbox id, and the worker skips rows already DONE, so nothing is published twice.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  /** Set when Redis came (back) up: ENQUEUED rows last offered before then are offered again. */
  private reofferBefore: Date | undefined;

  constructor(
    private readonly deps: {
      prisma: PrismaClient;
      /** The topics this process can route; rows of other topics wait for a process that can. */
      topics: OutboxTopic[];
      queueFor: (topic: OutboxTopic) => Queue | undefined;
      logger: Logger;
      intervalMs?: number;
      batchSize?: number;
    },
  ) {}

  async enqueue(outboxIds: string[]): Promise<void> {
    if (outboxIds.length === 0) return;
    // Raw SQL: this runs after the ack of every change made from Slack, where Prisma's query
    // building is the costliest part.
    const rows = await this.deps.prisma.$queryRaw<{ id: string; topic: string; status: string }[]>`
      SELECT id::text, topic, status::text FROM "OutboxMessage"
       WHERE id = ANY(${outboxIds}::uuid[]) AND status = 'PENDING'`;
    await this.offer(rows);
  }

  /**
   * Hands rows just stored (see queueSubmission) to their queues with one Redis call each and no
   * database round trip: they stay PENDING, and the job id keeps a later offer by the sweep from
   * adding them twice. This runs after every modal submission's ack. Best effort, like enqueueSoon.
   */
  offerStoredSoon(rows: { id: string; topic: OutboxTopic }[]): void {
    const add = async () => {
      for (const row of rows) {
        const queue = this.deps.queueFor(row.topic);
        if (queue) await addJob(queue, row);
      }
    };
    add().catch(this.deferred);
  }

  /** Best effort: a failure here is repaired by the next sweep. */
  enqueueSoon(outboxIds: string[]): void {
    this.enqueue(outboxIds).catch(this.deferred);
  }

  private readonly deferred = (error: Error) =>
    this.deps.logger.warn(
      { err: error, event: 'outbox_enqueue_deferred' },
      `Outbox rows wait for the relay: ${error.message}`,
    );

  sweep(now = new Date()): Promise<void> {
    this.sweeping ??= this.sweepOnce(now).finally(() => {
      this.sweeping = undefined;
    });
    return this.sweeping;
  }

  /**
   * Redis came (back) up: it may be a fresh server that lost every job (a restart without
   * persistence), so the next sweep offers every ENQUEUED row again instead of waiting for them
   * to look stale. Job ids are the outbox ids, so a job Redis still has is not added twice.
   */
  reofferEnqueued(now = new Date()): void {
    this.reofferBefore = now;
  }

  start(): void {
    this.timer = setInterval(() => {
      this.sweep().catch((error: Error) =>
        this.deps.logger.warn({ err: error }, `Outbox sweep failed: ${error.message}`),
      );
    }, this.deps.intervalMs ?? 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping?.catch(() => undefined);
  }

  private async sweepOnce(now: Date): Promise<void> {
    const reofferBefore = this.reofferBefore;
    const stale = new Date(now.getTime() - STALE_ENQUEUED_MS);
    const batchSize = this.deps.batchSize ?? 200;
    const rows = await this.deps.prisma.outboxMessage.findMany({
      where: {
        topic: { in: this.deps.topics },
        OR: [
          { status: 'PENDING', availableAt: { lte: now } },
          {
            status: 'ENQUEUED',
            availableAt: { lte: reofferBefore && reofferBefore > stale ? reofferBefore : stale },
          },
        ],
      },
      orderBy: { createdAt: 'asc' },
      take: batchSize,
    });
    await this.offer(rows);
    // Offered rows move past reofferBefore (availableAt = now), so a full batch means more to do.
    if (reofferBefore && rows.length < batchSize && this.reofferBefore === reofferBefore)
      this.reofferBefore = undefined;
  }

  private async offer(rows: { id: string; topic: string; status: string }[]): Promise<void> {
    for (const row of rows) {
      const queue = this.deps.queueFor(row.topic as OutboxTopic);
      if (!queue) continue;
      if (row.status === 'ENQUEUED' && (await this.settleFailedJob(queue, row.id))) continue;
      await addJob(queue, row);
      await this.deps.prisma.$executeRaw`
        UPDATE "OutboxMessage" SET status = 'ENQUEUED', "availableAt" = now()
         WHERE id = ${row.id}::uuid AND status IN ('PENDING', 'ENQUEUED')`;
    }
  }

  /**
   * A job that failed for good is kept (removeOnFail), so adding it again is a no-op; if its row
   * could not be marked then (a database blip, a killed worker), the row would stay ENQUEUED and
   * hold up every later post of its incident. Marks such a row FAILED; true when it did.
   */
  private async settleFailedJob(queue: Queue, outboxId: string): Promise<boolean> {
    const job = await queue.getJob(outboxJobId(outboxId));
    if (!job || !(await job.isFailed())) return false;
    await this.deps.prisma.outboxMessage.updateMany({
      where: { id: outboxId, status: 'ENQUEUED' },
      data: { status: 'FAILED', lastError: (job.failedReason || 'the job failed').slice(0, 2000) },
    });
    this.deps.logger.warn(
      { event: 'outbox_row_settled', outboxId, reason: job.failedReason },
      `Outbox row ${outboxId} marked FAILED: its job had failed for good`,
    );
    return true;
  }
}
