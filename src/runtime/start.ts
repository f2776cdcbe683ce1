import type { Logger } from 'pino';
import type { ComponentsConfig } from '../config/components-file';
import type { Config } from '../config/config';
import { readLocalMigrations } from '../db/migrations-directory';
import { createPool, openPool } from '../db/pool';
import { createPrismaClient } from '../db/prisma';
import { SchemaGuard } from '../db/schema-guard';
import { healthRoutes } from '../http/health-routes';
import { createMetrics } from '../http/metrics';
import { registerIncidentMetrics } from '../http/incident-metrics';
import { loadIncidentStats } from '../services/incident-stats';
import { createHttpServer, sendJson, type Route } from '../http/server';
import { guardSlackRequests } from '../http/slack-request-guard';
import { createRedisConnection } from '../jobs/redis';
import { createSlackApp, SLACK_EVENTS_PATH, type SlackApp } from '../slack/app';
import { knownComponents } from '../slack/known-components';
import { migrateAtBoot } from './boot-migration';
import { syncComponents } from '../services/sync-components';
import { listenForStatusChanges } from '../statuspage/change-notices';
import { statusFingerprint } from '../statuspage/fingerprint';
import { loadStatusSnapshot } from '../statuspage/load-snapshot';
import { StatusPageCache } from '../statuspage/page-cache';
import { renderDocuments } from '../statuspage/render-documents';
import { statusPageRoutes } from '../statuspage/routes';
import type { ReminderClock } from '../jobs/reminder-clock';
import { createJobRuntime } from './job-runtime';

export type ServingRole = 'web' | 'worker' | 'all';

/**
 * How long shutdown waits for Slack listeners still working after their ack. Past Slack's own
 * 3 s a user has seen an error anyway; a stored submission not yet queued is still safe (the
 * relay's sweep takes it), so waiting longer would only delay the exit.
 */
const LISTENER_FINISH_MS = 3000;

export interface RunningSitrep {
  port: number;
  /** Resolves when boot (migrations, schema check, Slack, workers) has finished; rejects if it failed. */
  booted: Promise<void>;
  guard: SchemaGuard;
  /** Stops taking new work, finishes what is in flight, closes every connection. */
  stop(): Promise<void>;
}

function slackRoutes(slackApp: SlackApp | undefined, config: Config): Route[] {
  if (slackApp?.requestListener && config.slack?.signingSecret) {
    return [
      {
        name: 'slack',
        methods: ['POST'],
        path: SLACK_EVENTS_PATH,
        handler: guardSlackRequests({ signingSecret: config.slack.signingSecret }, slackApp.requestListener),
      },
    ];
  }
  const missing = config.slackMissing;
  if (slackApp) return []; // Socket Mode: Slack never calls us over HTTP.
  return [
    {
      name: 'slack',
      methods: ['POST'],
      path: SLACK_EVENTS_PATH,
      handler: (_req, res) =>
        sendJson(res, 503, {
          error: 'slack_not_configured',
          message: `Slack is not configured: set ${missing.join(' and ')}`,
        }),
    },
  ];
}

export interface StartOptions {
  /** Defaults to the prisma/migrations this build ships; tests point it elsewhere. */
  migrationsDir?: string;
  /** Component groups to make sure exist (from COMPONENTS_FILE). */
  components?: ComponentsConfig;
  /** The clock listeners stamp changes with; tests replay an incident at its real times. */
  now?: () => Date;
  /** The clock reminders are planned with (and listeners' clock when `now` is not given). */
  reminderClock?: ReminderClock;
}

export async function startSitrep(
  config: Config,
  role: ServingRole,
  logger: Logger,
  options: StartOptions = {},
): Promise<RunningSitrep> {
  const serveWeb = role === 'web' || role === 'all';
  const runWorkers = role === 'worker' || role === 'all';
  let lifecycle: 'starting' | 'running' | 'stopping' = 'starting';
  const isStopping = () => lifecycle === 'stopping';

  // Passwords in these URLs are scrubbed by the logger like every other configured secret.
  logger.info(
    {
      event: 'config',
      role,
      databaseUrl: config.databaseUrl,
      redisUrl: config.redisUrl,
      redisPrefix: config.redisPrefix,
      autoMigrate: config.autoMigrate,
      slack: config.slack ? (config.slack.appToken ? 'socket-mode' : 'http') : 'not configured',
    },
    'Starting Sitrep',
  );
  const metrics = createMetrics();
  const pool = createPool(config.databaseUrl, config.databasePool.max, config.databasePool.min);
  const probeRedis = createRedisConnection(config.redisUrl, 'probe');
  const guard = new SchemaGuard({
    pool,
    localMigrations: readLocalMigrations(options.migrationsDir),
    logger,
    onStatus: (status) => metrics.schemaReady.set(status.state === 'ok' ? 1 : 0),
  });

  const prisma = createPrismaClient(pool);
  registerIncidentMetrics(metrics.registry, {
    load: (since) => loadIncidentStats(prisma, since, { includePrivate: false }),
    // The same clock as the listeners, so a replayed incident is "recent" in the test that replays it.
    ...(options.now ? { now: () => options.now!().getTime() } : {}),
  });
  const jobs = createJobRuntime({
    config,
    prisma,
    guard,
    logger,
    metrics,
    runWorkers,
    clock: options.reminderClock,
  });
  const slackApp =
    serveWeb && config.slack
      ? createSlackApp({
          slack: config.slack,
          guard,
          logger,
          listeners: {
            prisma,
            pool,
            logger,
            components: knownComponents(prisma),
            enqueueOutbox: (ids) => jobs.relay.enqueueSoon(ids),
            offerSubmission: (row) => jobs.relay.offerStoredSoon([row]),
            timelineReaction: config.timelineReaction,
            now:
              options.now ?? (options.reminderClock ? () => options.reminderClock!.now() : () => new Date()),
            statusPage: { url: config.statusPage.url, timeZone: config.statusPage.timeZone },
          },
        })
      : undefined;
  if (serveWeb && !config.slack) {
    logger.warn(
      { event: 'slack_not_configured', missing: config.slackMissing },
      `Slack is not configured: set ${config.slackMissing.join(' and ')} (or SLACK_BOT_TOKEN and SLACK_APP_TOKEN for Socket Mode). Serving health and status routes only.`,
    );
  }

  const statusPage = serveWeb
    ? new StatusPageCache({
        logger,
        fingerprint: () => statusFingerprint(pool),
        loadSnapshot: () =>
          loadStatusSnapshot(prisma, {
            id: 'sitrep',
            name: config.statusPage.title,
            url: config.statusPage.url,
            timeZone: config.statusPage.timeZone,
          }),
        render: renderDocuments,
      })
    : undefined;

  const changeNotices = statusPage
    ? listenForStatusChanges(config.redisUrl, config.redisPrefix, () => statusPage.changed())
    : undefined;

  const http = createHttpServer({
    logger,
    metrics,
    routes: [
      ...healthRoutes({
        metrics,
        readiness: {
          pool,
          guard,
          pingRedis: () => probeRedis.ping(),
          lifecycleReason: () =>
            lifecycle === 'starting'
              ? 'starting: checking the database schema'
              : lifecycle === 'stopping'
                ? 'shutting down'
                : undefined,
        },
      }),
      ...(serveWeb ? slackRoutes(slackApp, config) : []),
      ...(statusPage ? statusPageRoutes(statusPage) : []),
    ],
  });
  const port = await http.listen(config.port, config.host);
  logger.info({ event: 'listening', port }, `Sitrep ${role} listening on ${config.host}:${port}`);

  const openPoolAtBoot = () =>
    openPool(pool).then(
      (opened) => logger.debug({ event: 'pool_opened', opened }, `Opened ${opened} PostgreSQL connection(s)`),
      (error: unknown) =>
        logger.warn(
          { err: error, event: 'pool_open_failed' },
          'Could not open the PostgreSQL pool ahead; connections will open on demand',
        ),
    );

  const booted = (async () => {
    if (config.autoMigrate) {
      await migrateAtBoot({
        databaseUrl: config.databaseUrl,
        migrationsDir: options.migrationsDir,
        logger,
        metrics,
        stopping: isStopping,
      });
    }
    if (isStopping()) return;
    const [status] = await Promise.all([guard.check(), openPoolAtBoot()]);
    if (status.state === 'ok')
      logger.info(
        { event: 'schema_ok', migrations: status.migrations },
        'Database schema matches this build',
      );
    if (options.components && status.state === 'ok') {
      const count = await syncComponents(prisma, options.components);
      logger.info({ event: 'components_synced', count }, `Components file: ${count} component(s) in place`);
    }
    await slackApp?.start();
    await jobs.begin();
    if (!isStopping()) lifecycle = 'running';
  })().catch((error: unknown) => {
    logger.error({ err: error, event: 'boot_failed' }, `Boot failed: ${(error as Error).message}`);
    throw error;
  });

  return {
    port,
    booted,
    guard,
    async stop() {
      lifecycle = 'stopping';
      logger.info({ event: 'stopping' }, 'Shutting down: no new work, finishing work in flight');
      await booted.catch(() => undefined);
      await Promise.allSettled([http.close(), slackApp?.stop()]);
      // Acked listeners may still be handing work to the queues and the pool closed below.
      const listeners = slackApp ? await slackApp.finishListenerWork(LISTENER_FINISH_MS) : 'settled';
      if (listeners === 'timed out')
        logger.warn(
          { event: 'listener_work_abandoned', inFlight: slackApp?.listenersInFlight() },
          `Slack listener work still running after ${LISTENER_FINISH_MS} ms; stopping without it`,
        );
      changeNotices?.close();
      try {
        await jobs.close();
      } finally {
        // Even when the queues fail to close (Redis gone), the connections are let go: the pool
        // keeps DATABASE_POOL_MIN of them open and would otherwise hold the process alive.
        await prisma.$disconnect();
        probeRedis.disconnect();
        await pool.end();
      }
      logger.info({ event: 'stopped' }, 'Shutdown complete');
    },
  };
}
