import type { Logger } from 'pino';
import { migrateDatabase, MigrationRefusedError } from '../db/migrate';
import type { Metrics } from '../http/metrics';

const RETRY_MS = 2000;

/**
 * Runs migrations at boot. While PostgreSQL is unreachable it keeps trying (a database that
 * starts after the app is normal in compose and Kubernetes); a refusal (failed or edited
 * migration) is logged and left to the schema guard, which keeps the process unready.
 */
export async function migrateAtBoot(deps: {
  databaseUrl: string;
  migrationsDir?: string;
  logger: Logger;
  metrics: Metrics;
  stopping: () => boolean;
}): Promise<void> {
  for (;;) {
    try {
      const { applied } = await migrateDatabase({
        databaseUrl: deps.databaseUrl,
        migrationsDir: deps.migrationsDir,
        logger: deps.logger,
      });
      deps.metrics.migrationsApplied.inc(applied.length);
      return;
    } catch (error) {
      if (error instanceof MigrationRefusedError) {
        deps.logger.error({ event: 'migration_refused' }, error.message);
        return;
      }
      const code = (error as { code?: string }).code;
      const unreachable =
        ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', '57P03'].includes(code ?? '') ||
        /timeout|terminat/i.test((error as Error).message);
      if (!unreachable) {
        deps.logger.error(
          { event: 'migration_failed', err: error },
          `Migration failed: ${(error as Error).message}`,
        );
        return;
      }
      if (deps.stopping()) return;
      deps.logger.warn(
        { event: 'database_unreachable', code },
        `Database unreachable, retrying migrations in ${RETRY_MS / 1000}s`,
      );
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      if (deps.stopping()) return;
    }
  }
}
