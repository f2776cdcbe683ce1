import type { Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { SchemaGuard } from '../db/schema-guard';

/**
 * Workers run only while the schema matches this build: a job must never write to a
 * schema it was not written for. Rechecks on an interval; starts, pauses and resumes.
 */
export class SchemaGatedWorkers {
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  private paused = false;

  constructor(
    private readonly deps: { workers: Worker[]; guard: SchemaGuard; logger: Logger; intervalMs?: number },
  ) {}

  async begin(): Promise<void> {
    await this.sync();
    this.timer = setInterval(() => void this.sync(), this.deps.intervalMs ?? 5000);
    this.timer.unref();
  }

  get running(): boolean {
    return this.started && !this.paused;
  }

  private async sync(): Promise<void> {
    const status = await this.deps.guard.check();
    const ok = status.state === 'ok';
    if (ok && !this.started) {
      this.started = true;
      for (const worker of this.deps.workers) {
        worker
          .run()
          .catch((error: unknown) => this.deps.logger.error({ err: error }, 'Worker stopped with an error'));
      }
      this.deps.logger.info(
        { event: 'workers_started', count: this.deps.workers.length },
        'Job workers started',
      );
    } else if (ok && this.paused) {
      this.paused = false;
      for (const worker of this.deps.workers) worker.resume();
      this.deps.logger.info({ event: 'workers_resumed' }, 'Job workers resumed: schema matches again');
    } else if (!ok && this.started && !this.paused) {
      this.paused = true;
      await Promise.all(this.deps.workers.map((worker) => worker.pause()));
      this.deps.logger.warn(
        { event: 'workers_paused' },
        'Job workers paused until the schema matches this build',
      );
    }
  }

  /**
   * Stops taking jobs and waits for the ones in flight, for at most `graceMs`: with Redis gone a
   * graceful close never completes, and a job cut off is retried elsewhere (it becomes stalled).
   */
  async close(graceMs = 5000): Promise<void> {
    clearInterval(this.timer);
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), graceMs);
    });
    const outcome = await Promise.race([
      Promise.all(this.deps.workers.map((worker) => worker.close())),
      gaveUp,
    ]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      this.deps.logger.warn(
        { event: 'workers_forced_close' },
        `Job workers did not finish within ${graceMs} ms; closing anyway`,
      );
      await Promise.race([
        Promise.allSettled(this.deps.workers.map((worker) => worker.close(true))),
        new Promise((resolve) => setTimeout(resolve, 1000).unref()),
      ]);
    }
  }
}
