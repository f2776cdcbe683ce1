import type { Queue, Worker } from 'bullmq';
import type { WebClient } from '@slack/web-api';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config/config';
import type { PrismaClient } from '../db/prisma';
import type { Metrics } from '../http/metrics';
import { OWN_JOB_LAG_MS } from '../services/due-moment-sweep';
import { planActionItemReminders, type PlanDeps } from '../services/plan-action-item-reminders';
import { UserTimeZones } from '../services/slack/user-time-zones';
import { OUTBOX_PAYLOADS } from './outbox-topics';
import { createOutboxWorker } from './outbox-worker';
import { QUEUE_NAMES } from './queues';
import type { ReminderClock } from './reminder-clock';
import { ReminderRebuilder } from './reminder-rebuild';
import { createReminderQueue, createReminderWorker, scheduleDigest } from './reminder-worker';

/** Plans run in parallel: each re-reads its item, so order between items does not matter. */
const PLAN_CONCURRENCY = 10;
/** Slack calls of one reminder sweep at once (a process runs up to REMINDER_CONCURRENCY sweeps). */
const SWEEP_IN_FLIGHT = 32;

/**
 * The action item reminder machinery of a worker process: the outbox worker that plans reminders,
 * the worker that sends them (and the weekly digest), and the rebuild from PostgreSQL.
 */
export function createActionItemJobs(deps: {
  config: Config;
  prisma: PrismaClient;
  slack: WebClient;
  producer: Redis;
  workerConnection: Redis;
  logger: Logger;
  metrics: Metrics;
  clock: ReminderClock;
}): { queue: Queue; workers: Worker[]; begin(): Promise<void>; close(): Promise<void> } {
  const { config, prisma, slack, logger, metrics, clock } = deps;
  const prefix = config.redisPrefix;
  const queue = createReminderQueue(deps.producer, prefix);
  queue.on('error', (error) =>
    logger.debug({ err: error, event: 'queue_error' }, `Queue error: ${error.message}`),
  );
  const timeZones = new UserTimeZones(slack);
  const plan: PlanDeps = {
    prisma,
    queue,
    clock,
    policy: config.actionItems.policy,
    timeZoneOf: (userId) => timeZones.of(userId),
    ownJobLagMs: config.actionItems.sweepSize > 0 ? OWN_JOB_LAG_MS : 0,
  };
  const planner = createOutboxWorker({
    prisma,
    connection: deps.workerConnection,
    prefix,
    logger,
    metrics,
    lockMs: config.jobLockMs,
    concurrency: PLAN_CONCURRENCY,
    queueName: QUEUE_NAMES.actionItems,
    handlers: {
      'action_item.reminders': async (payload) => {
        const { actionItemId } = OUTBOX_PAYLOADS['action_item.reminders'].parse(payload);
        await planActionItemReminders(plan, actionItemId);
      },
    },
  });
  const sender = createReminderWorker({
    connection: deps.workerConnection,
    prefix,
    logger,
    metrics,
    slack,
    plan,
    config: config.actionItems,
    lockMs: config.jobLockMs,
    send: {
      prisma,
      slack,
      now: () => clock.now(),
      escalateAfter: config.actionItems.escalateAfter,
      managers: config.actionItems.managers,
      teamChannel: config.actionItems.teamChannel,
      sweep: { size: config.actionItems.sweepSize, inFlight: SWEEP_IN_FLIGHT },
    },
  });
  const rebuilder = new ReminderRebuilder({ plan, redis: deps.producer, logger });
  return {
    queue,
    workers: [planner, sender],
    async begin() {
      await scheduleDigest(queue, config.actionItems).catch((error: Error) =>
        logger.warn({ err: error }, `Could not schedule the action item digest yet: ${error.message}`),
      );
      rebuilder.start();
    },
    async close() {
      await rebuilder.stop();
    },
  };
}
