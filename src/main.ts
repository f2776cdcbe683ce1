/**
 * Process entry: `node dist/main.js [web|worker|all|migrate]` (default: SITREP_ROLE, else all).
 */
import { loadComponentsFile, type ComponentsConfig } from './config/components-file';
import { ConfigError, loadConfig, type Config } from './config/config';
import { migrateDatabase } from './db/migrate';
import { createLogger, type Logger } from './logging/logger';
import { startSitrep, type RunningSitrep } from './runtime/start';

const EXIT_CONFIG = 78; // EX_CONFIG from sysexits.h

async function runMigrateRole(config: Config, logger: Logger): Promise<number> {
  try {
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

function handleSignals(running: RunningSitrep, config: Config, logger: Logger): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'Second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, `Received ${signal}`);
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
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
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
  try {
    const running = await startSitrep(config, config.role, logger, { components });
    handleSignals(running, config, logger);
  } catch (error) {
    logger.fatal({ err: error }, `Sitrep could not start: ${(error as Error).message}`);
    process.exit(1);
  }
}

void main();
