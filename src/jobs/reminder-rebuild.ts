import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { rebuildReminderJobs, type PlanDeps } from '../services/plan-action-item-reminders';

/** Redis's run_id changes when the server restarts; Redis here keeps nothing on disk. */
async function redisRunId(redis: Redis): Promise<string | undefined> {
  const info = await redis.info('server');
  return /run_id:(\w+)/.exec(info)?.[1];
}

/**
 * Rebuilds the waiting reminder jobs from PostgreSQL when a worker boots, and again whenever
 * Redis has restarted since (checked every `intervalMs`), so no reminder is lost with Redis.
 */
export class ReminderRebuilder {
  private timer: NodeJS.Timeout | undefined;
  private runId: string | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly deps: {
      plan: Pick<PlanDeps, 'prisma' | 'queue' | 'clock' | 'ownJobLagMs'>;
      redis: Redis;
      logger: Logger;
      intervalMs?: number;
    },
  ) {}

  start(): void {
    void this.check();
    this.timer = setInterval(() => void this.check(), this.deps.intervalMs ?? 30_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  check(): Promise<void> {
    this.running ??= this.checkOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async checkOnce(): Promise<void> {
    try {
      const runId = await redisRunId(this.deps.redis);
      if (runId !== undefined && runId === this.runId) return;
      const started = Date.now();
      const count = await rebuildReminderJobs(this.deps.plan);
      this.runId = runId;
      this.deps.logger.info(
        { event: 'reminders_rebuilt', count, ms: Date.now() - started },
        `Reminder jobs checked against PostgreSQL: ${count} waiting reminder(s)`,
      );
    } catch (error) {
      this.deps.logger.warn(
        { err: error, event: 'reminders_rebuild_failed' },
        `Could not rebuild reminder jobs yet: ${(error as Error).message}`,
      );
    }
  }
}
