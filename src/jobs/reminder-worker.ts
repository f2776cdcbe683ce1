import { DelayedError, Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { WebClient } from '@slack/web-api';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { ActionItemsConfig } from '../config/config';
import type { Metrics } from '../http/metrics';
import { runDueMomentSweep } from '../services/due-moment-sweep';
import { countActionItemsByTeam } from '../services/list-action-items';
import { planAfterSent, type PlanDeps } from '../services/plan-action-item-reminders';
import { sendActionItemReminder, type SendReminderDeps } from '../services/send-action-item-reminder';
import { isPermanentSlackError, retryAfterMs } from '../services/slack/slack-errors';
import { renderDigest } from '../slack/blocks/action-items';
import { QUEUE_NAMES } from './queues';

/** Contract: `reminder` job payload (see ReminderJobData). */
const reminderJobSchema = z.object({
  v: z.literal(1),
  actionItemId: z.uuid(),
  epoch: z.number().int().min(0),
  slot: z.number().int().min(0),
  at: z.iso.datetime().optional(),
  tz: z.string().max(100).optional(),
});
/** Contract: `sweep` job payload (see DueMomentJobData). */
const dueMomentJobSchema = z.object({ v: z.literal(1), at: z.iso.datetime() });
/** Contract: `digest` job payload, written by the job scheduler. */
const digestJobSchema = z.object({ v: z.literal(1), channel: z.string().min(1) });

export const DIGEST_SCHEDULER_ID = 'action-item-digest';

export interface ReminderWorkerDeps {
  connection: Redis;
  prefix: string;
  logger: Logger;
  metrics: Metrics;
  plan: PlanDeps;
  send: SendReminderDeps;
  slack: WebClient;
  config: ActionItemsConfig;
  lockMs?: number;
}

async function processReminderJob(job: Job, token: string | undefined, deps: ReminderWorkerDeps) {
  try {
    if (job.name === 'digest') {
      const { channel } = digestJobSchema.parse(job.data);
      const counts = await countActionItemsByTeam(deps.plan.prisma, {
        now: deps.plan.clock.now(),
        teams: deps.config.teams,
        managers: deps.config.managers,
      });
      await deps.slack.chat.postMessage({ channel, ...renderDigest(counts) });
      return 'digest posted';
    }
    if (job.name === 'sweep') {
      const { at } = dueMomentJobSchema.parse(job.data);
      const swept = await runDueMomentSweep(
        deps.send,
        deps.send.sweep ?? { size: 0, inFlight: 0 },
        new Date(at),
        deps.plan.clock,
      );
      if (swept.claimed > 0)
        deps.logger.info(
          { event: 'reminders_swept', jobId: job.id, ...swept },
          `Due-moment sweep ${job.id} sent ${swept.sent} of ${swept.claimed} reminder(s)`,
        );
      return `swept ${swept.sent} of ${swept.claimed} (${swept.released} released)`;
    }
    const data = reminderJobSchema.parse(job.data);
    const outcome = await sendActionItemReminder(deps.send, data);
    if (outcome.result === 'in-flight' && token) {
      // Another sender holds this slot's claim: look again once it has recorded (or released) it.
      await job.moveToDelayed(Date.now() + (outcome.retryInMs ?? 1000), token);
      throw new DelayedError();
    }
    if (outcome.item) await planAfterSent(deps.plan, outcome.item, data);
    const { swept } = outcome;
    if (swept && swept.claimed > 0)
      deps.logger.info(
        { event: 'reminders_swept', jobId: job.id, ...swept },
        `Reminder job ${job.id} swept ${swept.sent} of ${swept.claimed} due reminder(s)`,
      );
    return swept && swept.claimed > 0
      ? `${outcome.result}; swept ${swept.sent} of ${swept.claimed} (${swept.released} released)`
      : outcome.result;
  } catch (error) {
    if (error instanceof DelayedError) throw error;
    const wait = retryAfterMs(error);
    if (wait !== undefined && token) {
      await job.moveToDelayed(Date.now() + wait, token);
      throw new DelayedError();
    }
    if (isPermanentSlackError(error) || (error instanceof Error && error.name === 'ZodError'))
      throw new UnrecoverableError((error as Error).message);
    throw error;
  }
}

export function createReminderQueue(connection: Redis, prefix: string): Queue {
  return new Queue(QUEUE_NAMES.reminders, { connection, prefix });
}

/** Idempotent (one scheduler id); with no digest channel configured, a former schedule is removed. */
export async function scheduleDigest(queue: Queue, config: ActionItemsConfig): Promise<void> {
  if (!config.digest) {
    await queue.removeJobScheduler(DIGEST_SCHEDULER_ID);
    return;
  }
  await queue.upsertJobScheduler(
    DIGEST_SCHEDULER_ID,
    { pattern: config.digest.cron, tz: config.digest.timeZone },
    { name: 'digest', data: { v: 1, channel: config.digest.channel }, opts: { removeOnComplete: 10 } },
  );
}

export function createReminderWorker(deps: ReminderWorkerDeps): Worker {
  const queue = QUEUE_NAMES.reminders;
  const worker = new Worker(queue, (job, token) => processReminderJob(job, token, deps), {
    connection: deps.connection,
    prefix: deps.prefix,
    concurrency: deps.config.concurrency,
    autorun: false,
    ...(deps.lockMs ? { lockDuration: deps.lockMs, stalledInterval: deps.lockMs } : {}),
  });
  worker.on('completed', () => deps.metrics.jobsProcessed.inc({ queue, outcome: 'completed' }));
  worker.on('failed', (job, error) => {
    deps.metrics.jobsProcessed.inc({ queue, outcome: 'failed' });
    deps.logger.warn(
      { event: 'reminder_job_failed', jobId: job?.id, attempt: job?.attemptsMade, err: error },
      `Reminder job ${job?.id} failed: ${error.message}`,
    );
  });
  worker.on('error', (error) => deps.logger.warn({ err: error, queue }, `${queue} worker error`));
  return worker;
}
