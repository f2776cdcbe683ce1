import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Metrics } from '../http/metrics';
import { nudgeStaleIncidents, type NudgeDeps } from '../services/nudge-stale-incidents';
import type { NudgeIntervals } from '../domain/stale-nudge';
import { QUEUE_NAMES } from './queues';

export const STALE_CHECK_SCHEDULER_ID = 'stale-incident-check';

/** Often enough to nudge within half the shortest interval of it falling due, at most once a minute. */
export function staleCheckEveryMs(intervals: NudgeIntervals): number {
  return Math.min(60_000, Math.max(1000, Math.floor(Math.min(...Object.values(intervals)) / 2)));
}

export function createStaleNudgeQueue(deps: { connection: Redis; prefix: string }): Queue {
  return new Queue(QUEUE_NAMES.nudges, { connection: deps.connection, prefix: deps.prefix });
}

/** Idempotent: every worker upserts the same scheduler, so one check runs per period. */
export async function scheduleStaleChecks(queue: Queue, intervals: NudgeIntervals): Promise<void> {
  await queue.upsertJobScheduler(
    STALE_CHECK_SCHEDULER_ID,
    { every: staleCheckEveryMs(intervals) },
    { name: 'stale-check', data: { v: 1 }, opts: { removeOnComplete: 100, removeOnFail: 100 } },
  );
}

export function createStaleNudgeWorker(
  deps: NudgeDeps & { connection: Redis; prefix: string; metrics: Metrics },
): Worker {
  const worker = new Worker(QUEUE_NAMES.nudges, () => nudgeStaleIncidents(deps), {
    connection: deps.connection,
    prefix: deps.prefix,
    concurrency: 1,
    autorun: false,
  });
  worker.on('completed', () =>
    deps.metrics.jobsProcessed.inc({ queue: QUEUE_NAMES.nudges, outcome: 'completed' }),
  );
  worker.on('failed', (job, error) => {
    deps.metrics.jobsProcessed.inc({ queue: QUEUE_NAMES.nudges, outcome: 'failed' });
    deps.logger.error(
      { event: 'job_failed', queue: QUEUE_NAMES.nudges, jobId: job?.id, err: error },
      'Stale check failed',
    );
  });
  worker.on('error', (error) => deps.logger.warn({ err: error }, 'Stale nudge worker error'));
  return worker;
}
