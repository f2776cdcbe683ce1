import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Metrics } from '../http/metrics';
import { isPermanentSlackError, retryAfterMs } from '../services/slack/slack-errors';
import {
  announceDeclaredIncident,
  announceIncidentChange,
  ChannelNotReadyError,
  NoIncidentChannelError,
  publishUpdateToSlack,
  type SlackSyncDeps,
} from '../services/slack/sync-incident-to-slack';

/** How soon a post waiting for its incident's channel looks again, and for how long at most. */
const CHANNEL_WAIT_MS = 300;
const CHANNEL_WAIT_LIMIT_MS = 60 * 60 * 1000;
import { OUTBOX_PAYLOADS } from './outbox-topics';
import { outboxJobSchema, QUEUE_NAMES } from './queues';

type SlackTopic = 'slack.incident_declared' | 'slack.update_posted' | 'slack.change_announced';

const HANDLERS: { [T in SlackTopic]: (deps: SlackSyncDeps, payload: unknown) => Promise<void> } = {
  'slack.incident_declared': (deps, payload) =>
    announceDeclaredIncident(deps, OUTBOX_PAYLOADS['slack.incident_declared'].parse(payload).incidentId),
  'slack.update_posted': (deps, payload) => {
    const { incidentId, updateId } = OUTBOX_PAYLOADS['slack.update_posted'].parse(payload);
    return publishUpdateToSlack(deps, incidentId, updateId);
  },
  'slack.change_announced': (deps, payload) => {
    const { incidentId, timelineEventId } = OUTBOX_PAYLOADS['slack.change_announced'].parse(payload);
    return announceIncidentChange(deps, incidentId, timelineEventId);
  },
};

export function isSlackTopic(topic: string): topic is SlackTopic {
  return Object.hasOwn(HANDLERS, topic);
}

export interface SlackEffectsDeps extends SlackSyncDeps {
  connection: Redis;
  prefix: string;
  logger: Logger;
  metrics: Metrics;
  concurrency?: number;
}

/** Thin: validate the job, load its outbox row, call the service, mark the row done. */
async function processOutboxJob(
  job: Job,
  token: string | undefined,
  deps: SlackEffectsDeps,
): Promise<string> {
  const data = outboxJobSchema.safeParse(job.data);
  if (!data.success) throw new UnrecoverableError(`Invalid outbox job payload: ${data.error.message}`);
  const row = await deps.prisma.outboxMessage.findUnique({ where: { id: data.data.outboxId } });
  if (!row) throw new UnrecoverableError(`Outbox row ${data.data.outboxId} does not exist`);
  if (row.status === 'DONE') return 'already done';
  if (!isSlackTopic(row.topic)) throw new UnrecoverableError(`No Slack handler for topic ${row.topic}`);
  try {
    await HANDLERS[row.topic](deps, row.payload);
  } catch (error) {
    const wait = retryAfterMs(error);
    if (
      error instanceof ChannelNotReadyError &&
      token &&
      Date.now() - job.timestamp < CHANNEL_WAIT_LIMIT_MS
    ) {
      // The declaration job is still creating the channel: look again shortly, spending no attempt.
      await job.moveToDelayed(Date.now() + CHANNEL_WAIT_MS, token);
      throw new DelayedError();
    }
    if (wait !== undefined && token) {
      // Slack said how long to wait: come back then, without spending one of the job's attempts.
      await job.moveToDelayed(Date.now() + wait, token);
      throw new DelayedError();
    }
    await deps.prisma.outboxMessage.update({
      where: { id: row.id },
      data: { attempts: { increment: 1 }, lastError: (error as Error).message.slice(0, 2000) },
    });
    const permanent =
      isPermanentSlackError(error) ||
      error instanceof NoIncidentChannelError ||
      (error instanceof Error && error.name === 'ZodError');
    if (permanent) {
      throw new UnrecoverableError((error as Error).message);
    }
    throw error;
  }
  await deps.prisma.outboxMessage.update({
    where: { id: row.id },
    data: { status: 'DONE', processedAt: new Date() },
  });
  return 'done';
}

export function createSlackEffectsWorker(deps: SlackEffectsDeps): Worker {
  const worker = new Worker(QUEUE_NAMES.slack, (job, token) => processOutboxJob(job, token, deps), {
    connection: deps.connection,
    prefix: deps.prefix,
    // One at a time per process keeps an incident's posts in the order they were made.
    concurrency: deps.concurrency ?? 1,
    autorun: false,
  });
  worker.on('completed', () =>
    deps.metrics.jobsProcessed.inc({ queue: QUEUE_NAMES.slack, outcome: 'completed' }),
  );
  worker.on('failed', (job, error) => {
    deps.metrics.jobsProcessed.inc({ queue: QUEUE_NAMES.slack, outcome: 'failed' });
    const finalAttempt =
      job && (error instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1));
    deps.logger[finalAttempt ? 'error' : 'warn'](
      { event: 'slack_job_failed', jobId: job?.id, attempt: job?.attemptsMade, err: error },
      `Slack job ${job?.name} failed: ${error.message}`,
    );
    if (finalAttempt && job) {
      const outboxId = outboxJobSchema.safeParse(job.data);
      if (outboxId.success) {
        void deps.prisma.outboxMessage
          .update({
            where: { id: outboxId.data.outboxId },
            data: { status: 'FAILED', lastError: error.message.slice(0, 2000) },
          })
          .catch(() => undefined);
      }
    }
  });
  worker.on('error', (error) => deps.logger.warn({ err: error }, 'Slack effects worker error'));
  return worker;
}
