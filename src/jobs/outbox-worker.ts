import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { PrismaClient } from '../db/prisma';
import type { Metrics } from '../http/metrics';
import { ChannelBusyError } from '../services/slack/channel-pacer';
import { isPermanentSlackError, retryAfterMs } from '../services/slack/slack-errors';
import { ChannelNotReadyError, NoIncidentChannelError } from '../services/slack/sync-incident-to-slack';
import { StatuspageError } from '../statuspage/atlassian';
import type { OutboxTopic } from './outbox-topics';
import { outboxJobSchema } from './queues';
import { CHANNEL_TURN_MS } from './redis-channel-pacer';

/** How soon work waiting for its incident's channel looks again, and for how long at most. */
const CHANNEL_WAIT_MS = 300;
const CHANNEL_WAIT_LIMIT_MS = 60 * 60 * 1000;

/** What a handler knows about the attempt it runs in. */
export interface OutboxAttempt {
  /**
   * An earlier attempt of this job started and did not finish cleanly (it failed, timed out or
   * its worker was killed): effects it made outside the database may already have happened.
   */
  mayHavePosted: boolean;
  /** When the outbox row was written, for handlers that keep an order between rows. */
  queuedAt: Date;
}

/** Carries out one outbox row's payload; parses the payload itself (zod). */
export type OutboxHandler = (payload: unknown, attempt: OutboxAttempt) => Promise<void>;

export interface OutboxWorkerDeps {
  queueName: string;
  handlers: Partial<Record<OutboxTopic, OutboxHandler>>;
  prisma: PrismaClient;
  connection: Redis;
  prefix: string;
  logger: Logger;
  metrics: Metrics;
  /** One at a time per process keeps an incident's posts in the order they were made. */
  concurrency?: number;
  /** Lock duration and stalled-check interval: how soon a crashed worker's job is taken over. */
  lockMs?: number;
  /** Told when a row has failed for good (after its last attempt, or at once when it never can succeed). */
  onGaveUp?: (
    row: { topic: string; aggregateId: string | null; payload: unknown },
    reason: string,
  ) => Promise<void>;
}

function isPermanent(error: unknown): boolean {
  return (
    isPermanentSlackError(error) ||
    error instanceof NoIncidentChannelError ||
    (error instanceof StatuspageError && error.permanent) ||
    (error instanceof Error && error.name === 'ZodError')
  );
}

/** Thin: validate the job, load its outbox row, call the handler, mark the row done. */
async function processOutboxJob(
  job: Job,
  token: string | undefined,
  deps: OutboxWorkerDeps,
): Promise<string> {
  const data = outboxJobSchema.safeParse(job.data);
  if (!data.success) throw new UnrecoverableError(`Invalid outbox job payload: ${data.error.message}`);
  const row = await deps.prisma.outboxMessage.findUnique({ where: { id: data.data.outboxId } });
  if (!row) throw new UnrecoverableError(`Outbox row ${data.data.outboxId} does not exist`);
  if (row.status === 'DONE') return 'already done';
  const handler = deps.handlers[row.topic as OutboxTopic];
  if (!handler) throw new UnrecoverableError(`No handler for topic ${row.topic} on ${deps.queueName}`);
  try {
    // attemptsStarted also counts a start whose worker died (the job stalled and was taken over),
    // and every start after a wait, which posted nothing: those are counted in `waits`.
    await handler(row.payload, {
      mayHavePosted:
        job.attemptsMade > 0 || row.attempts > 0 || job.attemptsStarted > 1 + (data.data.waits ?? 0),
      queuedAt: row.createdAt,
    });
  } catch (error) {
    if (
      error instanceof ChannelNotReadyError &&
      token &&
      Date.now() - job.timestamp < CHANNEL_WAIT_LIMIT_MS
    ) {
      // The declaration job is still creating the channel: look again shortly, spending no attempt.
      return waitUntil(job, token, Date.now() + CHANNEL_WAIT_MS);
    }
    if (error instanceof ChannelBusyError && token) {
      // Its channel's turn comes within a second. Spread the waiting jobs over the next turns so
      // they do not all wake for the same one.
      return waitUntil(job, token, Date.now() + error.waitMs + Math.floor(Math.random() * CHANNEL_TURN_MS));
    }
    const wait = retryAfterMs(error);
    if (wait !== undefined && token) {
      // Slack said how long to wait: come back then, without spending one of the job's attempts.
      return waitUntil(job, token, Date.now() + wait);
    }
    await deps.prisma.outboxMessage.update({
      where: { id: row.id },
      data: { attempts: { increment: 1 }, lastError: (error as Error).message.slice(0, 2000) },
    });
    if (isPermanent(error)) throw new UnrecoverableError((error as Error).message);
    throw error;
  }
  await deps.prisma.outboxMessage.update({
    where: { id: row.id },
    data: { status: 'DONE', processedAt: new Date() },
  });
  return 'done';
}

/** Moves the job to the delayed set to come back at `until`, counting the wait (see mayHavePosted). */
async function waitUntil(job: Job, token: string, until: number): Promise<never> {
  const data = outboxJobSchema.parse(job.data);
  await job.updateData({ ...data, waits: (data.waits ?? 0) + 1 });
  await job.moveToDelayed(until, token);
  throw new DelayedError();
}

async function giveUp(deps: OutboxWorkerDeps, outboxId: string, reason: string): Promise<void> {
  try {
    const row = await deps.prisma.outboxMessage.update({
      where: { id: outboxId },
      data: { status: 'FAILED', lastError: reason.slice(0, 2000) },
    });
    await deps.onGaveUp?.(row, reason);
  } catch (error) {
    deps.logger.warn(
      { err: error, outboxId },
      `Could not record or report a failed outbox row: ${(error as Error).message}`,
    );
  }
}

export function createOutboxWorker(deps: OutboxWorkerDeps): Worker {
  const queue = deps.queueName;
  const worker = new Worker(queue, (job, token) => processOutboxJob(job, token, deps), {
    connection: deps.connection,
    prefix: deps.prefix,
    concurrency: deps.concurrency ?? 1,
    autorun: false,
    ...(deps.lockMs ? { lockDuration: deps.lockMs, stalledInterval: deps.lockMs } : {}),
  });
  worker.on('completed', () => deps.metrics.jobsProcessed.inc({ queue, outcome: 'completed' }));
  worker.on('failed', (job, error) => {
    deps.metrics.jobsProcessed.inc({ queue, outcome: 'failed' });
    const finalAttempt =
      job && (error instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1));
    deps.logger[finalAttempt ? 'error' : 'warn'](
      { event: 'outbox_job_failed', queue, jobId: job?.id, attempt: job?.attemptsMade, err: error },
      `${queue} job ${job?.name} failed: ${error.message}`,
    );
    const outboxId = outboxJobSchema.safeParse(job?.data);
    if (finalAttempt && outboxId.success) void giveUp(deps, outboxId.data.outboxId, error.message);
  });
  worker.on('error', (error) => deps.logger.warn({ err: error, queue }, `${queue} worker error`));
  return worker;
}
