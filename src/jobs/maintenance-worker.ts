import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { PrismaClient } from '../db/prisma';
import type { Metrics } from '../http/metrics';
import { OUTBOX_RETENTION_DAYS, pruneOutbox } from '../services/prune-outbox';
import { maintenanceJobSchema, PRUNE_OUTBOX_SCHEDULER_ID, QUEUE_NAMES } from './queues';

export interface MaintenanceDeps {
  connection: Redis;
  prefix: string;
  prisma: PrismaClient;
  logger: Logger;
  metrics: Metrics;
  now?: () => Date;
}

/** Thin: validate the payload, call the service, report. */
export async function processMaintenanceJob(
  job: Job,
  deps: Pick<MaintenanceDeps, 'prisma' | 'logger' | 'now'>,
) {
  const parsed = maintenanceJobSchema.safeParse(job.data);
  if (!parsed.success) {
    throw new UnrecoverableError(
      `Invalid maintenance job payload: ${parsed.error.issues.map((i) => i.message).join('; ')}`,
    );
  }
  const removed = await pruneOutbox(
    deps.prisma,
    (deps.now ?? (() => new Date()))(),
    parsed.data.retentionDays,
  );
  deps.logger.info({ event: 'outbox_pruned', removed }, `Pruned ${removed} published outbox row(s)`);
  return { removed };
}

export function createMaintenanceQueue(deps: Pick<MaintenanceDeps, 'connection' | 'prefix'>): Queue {
  return new Queue(QUEUE_NAMES.maintenance, { connection: deps.connection, prefix: deps.prefix });
}

/** Idempotent: every worker process upserts the same scheduler id, so it exists once. */
export async function scheduleMaintenance(queue: Queue): Promise<void> {
  await queue.upsertJobScheduler(
    PRUNE_OUTBOX_SCHEDULER_ID,
    { every: 60 * 60 * 1000 },
    {
      name: 'prune-outbox',
      data: { task: 'prune-outbox', version: 1, retentionDays: OUTBOX_RETENTION_DAYS },
    },
  );
}

export function createMaintenanceWorker(deps: MaintenanceDeps): Worker {
  const worker = new Worker(QUEUE_NAMES.maintenance, (job) => processMaintenanceJob(job, deps), {
    connection: deps.connection,
    prefix: deps.prefix,
    concurrency: 1,
    autorun: false,
  });
  worker.on('completed', () =>
    deps.metrics.jobsProcessed.inc({ queue: QUEUE_NAMES.maintenance, outcome: 'completed' }),
  );
  worker.on('failed', (job, error) => {
    deps.metrics.jobsProcessed.inc({ queue: QUEUE_NAMES.maintenance, outcome: 'failed' });
    deps.logger.error(
      { event: 'job_failed', queue: QUEUE_NAMES.maintenance, jobId: job?.id, err: error },
      'Maintenance job failed',
    );
  });
  worker.on('error', (error) => deps.logger.warn({ err: error }, 'Maintenance worker error'));
  return worker;
}
