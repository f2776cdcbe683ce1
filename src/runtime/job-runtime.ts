import { Queue, type Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { Config } from '../config/config';
import type { PrismaClient } from '../db/prisma';
import type { SchemaGuard } from '../db/schema-guard';
import type { Metrics } from '../http/metrics';
import {
  createMaintenanceQueue,
  createMaintenanceWorker,
  scheduleMaintenance,
} from '../jobs/maintenance-worker';
import { OutboxRelay } from '../jobs/outbox-relay';
import { OUTBOX_PAYLOADS, type OutboxTopic } from '../jobs/outbox-topics';
import { createOutboxWorker, type OutboxWorkerDeps } from '../jobs/outbox-worker';
import { QUEUE_NAMES } from '../jobs/queues';
import { createActionItemJobs } from '../jobs/action-item-jobs';
import { systemClock, type ReminderClock } from '../jobs/reminder-clock';
import { createRedisConnection } from '../jobs/redis';
import { redisChannelPacer } from '../jobs/redis-channel-pacer';
import { SLACK_TOPICS, slackHandlers } from '../jobs/slack-handlers';
import { reportFailedSubmission, submissionHandlers } from '../jobs/submission-handlers';
import { publishStatusUpdate } from '../services/publish-status-update';
import { publishToAtlassian } from '../services/publish-to-atlassian';
import { announcePostmortem } from '../services/announce-postmortem';
import { publishPostmortemToAtlassian } from '../services/publish-postmortem-to-atlassian';
import {
  createStaleNudgeQueue,
  createStaleNudgeWorker,
  scheduleStaleChecks,
} from '../jobs/stale-nudge-worker';
import { reportPublishFailure } from '../services/report-publish-failure';
import { createJobSlackClient } from '../slack/web-client';
import { StatuspageClient } from '../statuspage/atlassian';
import { announceStatusChange } from '../statuspage/change-notices';
import { SchemaGatedWorkers } from './gated-workers';

export interface JobRuntime {
  relay: OutboxRelay;
  begin(): Promise<void>;
  close(): Promise<void>;
}

type QueueName = (typeof QUEUE_NAMES)[Exclude<
  keyof typeof QUEUE_NAMES,
  'maintenance' | 'nudges' | 'reminders'
>];

/**
 * Work in the shared announcements channel: its own queue, so jobs waiting for that channel's turn
 * never hold up work in incident channels.
 */
const ANNOUNCEMENTS_CHANNEL_TOPICS: readonly OutboxTopic[] = [
  'slack.incident_announced',
  'slack.update_threaded',
];

/** Which queue carries each outbox topic; a topic whose feature is not configured has none. */
function topicQueues(config: Config): Partial<Record<OutboxTopic, QueueName>> {
  return {
    ...(config.slack
      ? Object.fromEntries(
          SLACK_TOPICS.map((topic) => [
            topic,
            ANNOUNCEMENTS_CHANNEL_TOPICS.includes(topic) ? QUEUE_NAMES.slackThreads : QUEUE_NAMES.slack,
          ]),
        )
      : {}),
    ...(config.slack
      ? {
          'incident.declare_requested': QUEUE_NAMES.declarations,
          'incident.update_requested': QUEUE_NAMES.submissions,
        }
      : {}),
    'statuspage.publish': QUEUE_NAMES.statuspage,
    'statuspage.postmortem': QUEUE_NAMES.statuspage,
    ...(config.statuspage
      ? {
          'statuspage.atlassian': QUEUE_NAMES.atlassian,
          'statuspage.atlassian_postmortem': QUEUE_NAMES.atlassian,
        }
      : {}),
    ...(config.slack ? { 'action_item.reminders': QUEUE_NAMES.actionItems } : {}),
  };
}

/** Slack jobs one worker process runs at once, per Slack queue. */
const SLACK_JOB_CONCURRENCY = 4;
/**
 * Declarations one worker process stores at once. Each job is a dozen database round trips, mostly
 * waiting: one at a time stored about 5 a second under `bench slack`, 10 s behind their acks.
 */
const DECLARATION_CONCURRENCY = 8;

/**
 * Queues for every role (web hands new outbox rows to them at once), and for `worker`/`all`
 * also the workers and the relay's sweep that repairs whatever the fast path missed.
 */
export function createJobRuntime(deps: {
  config: Config;
  prisma: PrismaClient;
  guard: SchemaGuard;
  logger: Logger;
  metrics: Metrics;
  runWorkers: boolean;
  /** The clock reminders are planned with (tests run it fast). */
  clock?: ReminderClock;
}): JobRuntime {
  const { config, prisma, guard, logger, metrics } = deps;
  const prefix = config.redisPrefix;
  const producer = createRedisConnection(config.redisUrl, 'producer');
  const routes = topicQueues(config);
  const queues = new Map<QueueName, Queue>(
    [...new Set(Object.values(routes))].map((name) => [
      name,
      new Queue(name, { connection: producer, prefix }),
    ]),
  );
  // Without a listener BullMQ prints connection errors to stderr, outside the JSON log. A Redis
  // outage is already reported by /readyz, so the details go to debug.
  const onQueueError = (error: Error) =>
    logger.debug({ err: error, event: 'queue_error' }, `Queue error: ${error.message}`);
  for (const queue of queues.values()) queue.on('error', onQueueError);
  const relay = new OutboxRelay({
    prisma,
    logger,
    topics: Object.keys(routes) as OutboxTopic[],
    queueFor: (topic) => queues.get(routes[topic]!),
  });

  const workerConnection = deps.runWorkers ? createRedisConnection(config.redisUrl, 'worker') : undefined;
  // A Redis restart can lose the jobs it held; the sweeping process offers them again at once.
  if (workerConnection) producer.on('ready', () => relay.reofferEnqueued());
  let maintenanceQueue: Queue | undefined;
  let workers: SchemaGatedWorkers | undefined;
  let nudgeQueue: Queue | undefined;
  let actionItemJobs: ReturnType<typeof createActionItemJobs> | undefined;
  if (workerConnection) {
    // On the fail-fast connection: scheduling must not hang boot (or shutdown) while Redis is down.
    maintenanceQueue = createMaintenanceQueue({ connection: producer, prefix });
    maintenanceQueue.on('error', onQueueError);
    const slack = config.slack ? createJobSlackClient(config.slack) : undefined;
    const pageUrl = config.statusPage.url;
    const base: Omit<OutboxWorkerDeps, 'queueName' | 'handlers'> = {
      prisma,
      connection: workerConnection,
      prefix,
      logger,
      metrics,
      lockMs: config.jobLockMs,
    };
    const outboxWorkers: Worker[] = [
      createOutboxWorker({
        ...base,
        queueName: QUEUE_NAMES.statuspage,
        handlers: {
          'statuspage.publish': async (payload) => {
            const { incidentId, updateId } = OUTBOX_PAYLOADS['statuspage.publish'].parse(payload);
            const publish = { prisma, slack, pageUrl, logger, atlassian: Boolean(config.statuspage) };
            await publishStatusUpdate(publish, incidentId, updateId);
            await announceStatusChange(producer, prefix, updateId);
          },
          'statuspage.postmortem': async (payload) => {
            const { v: _v, ...published } = OUTBOX_PAYLOADS['statuspage.postmortem'].parse(payload);
            await announceStatusChange(producer, prefix, published.postmortemId);
            await announcePostmortem(
              {
                prisma,
                slack,
                pageUrl,
                timeZone: config.statusPage.timeZone,
                atlassian: Boolean(config.statuspage),
                logger,
              },
              published,
            );
          },
        },
        onGaveUp: async (row, reason) => {
          if (slack && row.aggregateId)
            await reportPublishFailure({ prisma, slack }, row.aggregateId, reason);
        },
      }),
    ];
    if (slack && config.slack) {
      const submissions = {
        handlers: submissionHandlers({
          prisma,
          slack,
          announce: Boolean(config.slack.announcementsChannel),
          logger,
          enqueue: (outboxIds) => relay.enqueueSoon(outboxIds),
        }),
        onGaveUp: (row: { topic: string; payload: unknown }, reason: string) =>
          reportFailedSubmission(slack, row, reason),
      };
      // Both workers take both topics: jobs queued before declarations had a queue of their own
      // are still on incident-submissions. Updates go one at a time, in the order submitted.
      outboxWorkers.push(
        createOutboxWorker({ ...base, ...submissions, queueName: QUEUE_NAMES.submissions }),
        createOutboxWorker({
          ...base,
          ...submissions,
          queueName: QUEUE_NAMES.declarations,
          concurrency: DECLARATION_CONCURRENCY,
        }),
      );
      const handlers = slackHandlers({
        prisma,
        slack,
        announcementsChannel: config.slack.announcementsChannel,
        pageUrl,
        pacer: redisChannelPacer(producer, prefix),
      });
      // Several jobs at once: an incident's posts still go out in order (each waits for its
      // incident's earlier ones) and each channel still gets one message a second (the pacer).
      for (const queueName of [QUEUE_NAMES.slack, QUEUE_NAMES.slackThreads])
        outboxWorkers.push(
          createOutboxWorker({ ...base, queueName, handlers, concurrency: SLACK_JOB_CONCURRENCY }),
        );
    }
    if (config.statuspage) {
      const atlassian = {
        prisma,
        logger,
        componentMap: config.statuspage.componentMap,
        client: new StatuspageClient({
          apiKey: config.statuspage.apiKey,
          pageId: config.statuspage.pageId,
          ...(config.statuspage.apiUrl ? { baseUrl: config.statuspage.apiUrl } : {}),
        }),
      };
      outboxWorkers.push(
        createOutboxWorker({
          ...base,
          queueName: QUEUE_NAMES.atlassian,
          handlers: {
            'statuspage.atlassian': async (payload) => {
              const { incidentId, updateId } = OUTBOX_PAYLOADS['statuspage.atlassian'].parse(payload);
              await publishToAtlassian(atlassian, incidentId, updateId);
            },
            'statuspage.atlassian_postmortem': async (payload) => {
              const { v: _v, ...published } =
                OUTBOX_PAYLOADS['statuspage.atlassian_postmortem'].parse(payload);
              await publishPostmortemToAtlassian(
                { ...atlassian, timeZone: config.statusPage.timeZone },
                published,
              );
            },
          },
        }),
      );
    }
    if (slack) {
      actionItemJobs = createActionItemJobs({
        config,
        prisma,
        slack,
        producer,
        workerConnection,
        logger,
        metrics,
        clock: deps.clock ?? systemClock,
      });
      outboxWorkers.push(...actionItemJobs.workers);
    }
    const maintenance = createMaintenanceWorker({
      connection: workerConnection,
      prefix,
      prisma,
      logger,
      metrics,
    });
    const nudges =
      slack && config.staleUpdateIntervals
        ? createStaleNudgeWorker({
            connection: workerConnection,
            prefix,
            prisma,
            slack,
            intervals: config.staleUpdateIntervals,
            logger,
            metrics,
          })
        : undefined;
    if (nudges) {
      nudgeQueue = createStaleNudgeQueue({ connection: producer, prefix });
      nudgeQueue.on('error', onQueueError);
    }
    workers = new SchemaGatedWorkers({
      guard,
      logger,
      workers: [maintenance, ...outboxWorkers, ...(nudges ? [nudges] : [])],
    });
  }

  return {
    relay,
    async begin() {
      if (!workers || !maintenanceQueue) return;
      const queue = maintenanceQueue;
      const intervals = config.staleUpdateIntervals;
      const schedule = () =>
        Promise.all([
          scheduleMaintenance(queue),
          nudgeQueue && intervals ? scheduleStaleChecks(nudgeQueue, intervals) : undefined,
        ]).then(
          () => clearInterval(retry),
          (error: Error) =>
            logger.warn({ err: error }, `Could not schedule maintenance jobs yet: ${error.message}`),
        );
      const retry = setInterval(() => void schedule(), 30_000);
      retry.unref();
      await schedule();
      await workers.begin();
      relay.start();
      await actionItemJobs?.begin();
    },
    async close() {
      await actionItemJobs?.close();
      await relay.stop();
      await workers?.close();
      // Closing a queue talks to Redis; when Redis is gone, disconnecting below is all there is to do.
      await Promise.race([
        Promise.allSettled([
          maintenanceQueue?.close(),
          nudgeQueue?.close(),
          actionItemJobs?.queue.close(),
          ...[...queues.values()].map((queue) => queue.close()),
        ]),
        new Promise((resolve) => setTimeout(resolve, 1000).unref()),
      ]);
      workerConnection?.disconnect();
      producer.disconnect();
    },
  };
}
