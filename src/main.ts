/**
 * Process entry: `node dist/main.js [web|worker|all|migrate]` (default: SITREP_ROLE, else all).
 */
import { loadComponentsFile, type ComponentsConfig } from './config/components-file';
import { ConfigError, loadConfig, type Config } from './config/config';
import type { RunningSitrep } from './runtime/start';
import { createLogger, type Logger } from './logging/logger';

const EXIT_CONFIG = 78; // EX_CONFIG from sysexits.h

async function runMigrateRole(config: Config, logger: Logger): Promise<number> {
  try {
    const { migrateDatabase } = await import('./db/migrate');
    const { applied } = await migrateDatabase({ databaseUrl: config.databaseUrl, logger });
    logger.info(
      { event: 'migrate_done', applied },
      applied.length ? `Applied ${applied.length} migration(s)` : 'No pending migrations',
    );
    return 0;
  } catch (error) {
    logger.error({ event: 'migrate_failed' }, `Migration failed: ${(error as Error).message}`);
    return 1;
  }
}

/**
 * Installed before the heavy modules load: a SIGTERM that arrives while Sitrep is still booting
 * (a rollout that changes its mind) waits for the boot and then shuts down cleanly, instead of
 * killing the process half-way.
 */
function handleSignals(config: Config, logger: Logger): { started(running: RunningSitrep): void } {
  let running: RunningSitrep | undefined;
  let requested: NodeJS.Signals | undefined;
  let stopping = false;
  const stop = () => {
    if (!running || stopping) return;
    stopping = true;
    const deadline = setTimeout(() => {
      logger.error(
        { event: 'shutdown_timeout' },
        `Shutdown took longer than ${config.shutdownTimeoutMs} ms; exiting`,
      );
      process.exit(1);
    }, config.shutdownTimeoutMs);
    deadline.unref();
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'Shutdown failed');
        process.exit(1);
      },
    );
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (requested) {
      logger.warn({ signal }, 'Second signal: exiting now');
      process.exit(1);
    }
    requested = signal;
    logger.info({ signal }, `Received ${signal}`);
    stop();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return {
    started(value) {
      running = value;
      if (requested) stop();
    },
  };
}

async function main(): Promise<void> {
  let config: Config;
  let components: ComponentsConfig | undefined;
  try {
    config = loadConfig(process.env, process.argv[2]);
    components = config.componentsFile ? loadComponentsFile(config.componentsFile) : undefined;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Sitrep cannot start. ${error.message}\n`);
      process.exit(EXIT_CONFIG);
    }
    throw error;
  }
  const logger = createLogger({
    level: config.logLevel,
    secrets: config.secrets,
    base: { role: config.role },
  });
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'Unhandled promise rejection'));

  if (config.role === 'migrate') {
    process.exit(await runMigrateRole(config, logger));
  }
  const signals = handleSignals(config, logger);
  try {
    // Loaded only now, so the signal handlers above are in place while Bolt, BullMQ and Prisma load.
    const { startSitrep } = await import('./runtime/start');
    const running = await startSitrep(config, config.role, logger, { components });
    signals.started(running);
    // A process that could not finish booting would stay unready forever: exit so it is restarted.
    running.booted.catch(() => process.exit(1));
  } catch (error) {
    logger.fatal({ err: error }, `Sitrep could not start: ${(error as Error).message}`);
    process.exit(1);
  }
}

void main();
