import { Queue } from 'bullmq';
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
import { QUEUE_NAMES } from '../jobs/queues';
import { createRedisConnection } from '../jobs/redis';
import { createOutboxWorker } from '../jobs/outbox-worker';
import { isSlackTopic, slackHandlers } from '../jobs/slack-handlers';
import { OUTBOX_PAYLOADS } from '../jobs/outbox-topics';
import { publishStatusUpdate } from '../services/publish-status-update';
import { reportPublishFailure } from '../services/report-publish-failure';
import { createJobSlackClient } from '../slack/web-client';
import { SchemaGatedWorkers } from './gated-workers';

export interface JobRuntime {
  relay: OutboxRelay;
  begin(): Promise<void>;
  close(): Promise<void>;
}

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
}): JobRuntime {
  const { config, prisma, guard, logger, metrics } = deps;
  const producer = createRedisConnection(config.redisUrl, 'producer');
  const workerConnection = deps.runWorkers ? createRedisConnection(config.redisUrl, 'worker') : undefined;
  const prefix = config.redisPrefix;
  const slackQueue = config.slack
    ? new Queue(QUEUE_NAMES.slack, { connection: producer, prefix })
    : undefined;
  const statuspageQueue = new Queue(QUEUE_NAMES.statuspage, { connection: producer, prefix });
  const relay = new OutboxRelay({
    prisma,
    logger,
    queueFor: (topic) =>
      isSlackTopic(topic) ? slackQueue : topic === 'statuspage.publish' ? statuspageQueue : undefined,
  });

  let maintenanceQueue: Queue | undefined;
  let workers: SchemaGatedWorkers | undefined;
  if (workerConnection) {
    maintenanceQueue = createMaintenanceQueue({ connection: workerConnection, prefix });
    const maintenance = createMaintenanceWorker({
      connection: workerConnection,
      prefix,
      prisma,
      logger,
      metrics,
    });
    const slack = config.slack ? createJobSlackClient(config.slack) : undefined;
    const outbox = { prisma, connection: workerConnection, prefix, logger, metrics };
    const slackEffects = slack
      ? createOutboxWorker({
          ...outbox,
          queueName: QUEUE_NAMES.slack,
          handlers: slackHandlers({
            prisma,
            slack,
            announcementsChannel: config.slack?.announcementsChannel,
            pageUrl: config.statusPage.url,
          }),
        })
      : undefined;
    const statuspage = createOutboxWorker({
      ...outbox,
      queueName: QUEUE_NAMES.statuspage,
      onGaveUp: async (row, reason) => {
        if (slack && row.aggregateId) await reportPublishFailure({ prisma, slack }, row.aggregateId, reason);
      },
      handlers: {
        'statuspage.publish': async (payload) => {
          const { incidentId, updateId } = OUTBOX_PAYLOADS['statuspage.publish'].parse(payload);
          await publishStatusUpdate({ prisma, slack, pageUrl: config.statusPage.url }, incidentId, updateId);
        },
      },
    });
    workers = new SchemaGatedWorkers({
      guard,
      logger,
      workers: slackEffects ? [maintenance, statuspage, slackEffects] : [maintenance, statuspage],
    });
  }

  return {
    relay,
    async begin() {
      if (!workers || !maintenanceQueue) return;
      await scheduleMaintenance(maintenanceQueue).catch((error: Error) =>
        logger.warn({ err: error }, `Could not schedule maintenance jobs yet: ${error.message}`),
      );
      await workers.begin();
      relay.start();
    },
    async close() {
      await relay.stop();
      await workers?.close();
      await Promise.allSettled([maintenanceQueue?.close(), slackQueue?.close(), statuspageQueue.close()]);
      workerConnection?.disconnect();
      producer.disconnect();
    },
  };
}
