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
import { createSlackEffectsWorker, isSlackTopic } from '../jobs/slack-effects-worker';
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
  const relay = new OutboxRelay({
    prisma,
    logger,
    queueFor: (topic) => (isSlackTopic(topic) ? slackQueue : undefined),
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
    const slackEffects = config.slack
      ? createSlackEffectsWorker({
          connection: workerConnection,
          prefix,
          prisma,
          logger,
          metrics,
          slack: createJobSlackClient(config.slack),
          announcementsChannel: config.slack.announcementsChannel,
        })
      : undefined;
    workers = new SchemaGatedWorkers({
      guard,
      logger,
      workers: slackEffects ? [maintenance, slackEffects] : [maintenance],
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
      await Promise.allSettled([maintenanceQueue?.close(), slackQueue?.close()]);
      workerConnection?.disconnect();
      producer.disconnect();
    },
  };
}
