/**
 * The real app (web + worker, or web only) booted in this process the way the end-to-end tests do
 * (`startSlackWorld` in test/support/slack-e2e.ts): its own migrated database, its own Redis prefix
 * and a fake Slack Web API on 127.0.0.1, with the app's logger really at LOG_LEVEL=warn.
 * Everything made is tracked so that cleanUp() can undo it whatever happened.
 */
import { Pool } from 'pg';
import { migrateDatabase } from '../../src/db/migrate';
import { startSitrep, type RunningSitrep } from '../../src/runtime/start';
import { testConfig } from '../../test/support/config';
import {
  createTestDatabase,
  REDIS_URL,
  uniqueRedisPrefix,
  type TestDatabase,
} from '../../test/support/database';
import { startFakeSlack, type FakeSlack } from '../../test/support/fake-slack';
import { captureLogs, type CapturedLog } from '../../test/support/log-capture';
import { ANNOUNCEMENTS_CHANNEL } from '../../test/support/slack-e2e';
import { TEST_BOT_TOKEN, TEST_SIGNING_SECRET } from '../../test/support/slack-requests';
import { cleanupStep, deleteRedisKeys, once } from './cleanup';
import { withTimeout } from './poll';

const STOP_TIMEOUT_MS = 20_000;

export interface InProcessApp {
  db: TestDatabase;
  fake: FakeSlack;
  sitrep: RunningSitrep;
  logs: CapturedLog;
  baseUrl: string;
  redisPrefix: string;
  /** The benchmark's own pool on the app's database. */
  pool: Pool;
}

export interface InProcessAppOptions {
  /** Database label and Redis prefix label, e.g. `bench_slack` and `bench-slack`. */
  databaseLabel: string;
  redisLabel: string;
  role: Parameters<typeof startSitrep>[1];
  /** Extra environment for testConfig(). */
  env?: Record<string, string>;
  /** Options for startSitrep(), computed when the app starts. */
  startOptions?: () => Parameters<typeof startSitrep>[3];
  pool: { max: number; applicationName: string };
}

export function inProcessApp(options: InProcessAppOptions): {
  start: () => Promise<InProcessApp>;
  cleanUp: () => Promise<void>;
} {
  const world: Partial<InProcessApp> = {};

  const start = async (): Promise<InProcessApp> => {
    world.redisPrefix = uniqueRedisPrefix(options.redisLabel);
    world.db = await createTestDatabase(options.databaseLabel);
    await migrateDatabase({ databaseUrl: world.db.url });
    world.fake = await startFakeSlack();
    const config = testConfig({
      DATABASE_URL: world.db.url,
      REDIS_PREFIX: world.redisPrefix,
      SLACK_BOT_TOKEN: TEST_BOT_TOKEN,
      SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
      SLACK_API_URL: world.fake.url,
      SLACK_ANNOUNCEMENTS_CHANNEL: ANNOUNCEMENTS_CHANNEL,
      ...options.env,
      LOG_LEVEL: 'warn',
    });
    // bootSitrep() (test/support/sitrep-harness.ts) captures logs at debug whatever LOG_LEVEL says;
    // this is the same boot with the logger at the configured level.
    world.logs = captureLogs({ secrets: config.secrets, level: config.logLevel });
    world.sitrep = await startSitrep(config, options.role, world.logs.logger, options.startOptions?.());
    await world.sitrep.booted;
    world.baseUrl = `http://127.0.0.1:${world.sitrep.port}`;
    // A failed boot is only logged; measuring "not ready" answers would be meaningless.
    const ready = await fetch(`${world.baseUrl}/readyz`);
    if (ready.status !== 200) {
      throw new Error(
        `The app is not ready (/readyz ${ready.status}: ${await ready.text()})\n${world.logs.text()}`,
      );
    }
    world.pool = new Pool({
      connectionString: world.db.url,
      max: options.pool.max,
      application_name: options.pool.applicationName,
    });
    world.pool.on('error', () => undefined);
    return world as InProcessApp;
  };

  /** Undoes everything start() made, step by step; safe to call more than once. */
  const cleanUp = once(async () => {
    const { pool, sitrep, fake, db, redisPrefix } = world;
    if (pool) await cleanupStep('close the benchmark pool', () => pool.end());
    if (sitrep)
      await cleanupStep('stop the app', () => withTimeout(sitrep.stop(), STOP_TIMEOUT_MS, 'app stop'));
    if (fake) await cleanupStep('close the fake Slack', () => fake.close());
    if (db) await cleanupStep(`drop database ${db.name}`, () => db.drop());
    if (redisPrefix)
      await cleanupStep(`delete Redis keys ${redisPrefix}:*`, () => deleteRedisKeys(REDIS_URL, redisPrefix));
  });

  return { start, cleanUp };
}

/** How many calls the fake Slack received, per Web API method. */
export function callsByMethod(fake: FakeSlack): Record<string, number> {
  const calls: Record<string, number> = {};
  for (const call of fake.calls) calls[call.method] = (calls[call.method] ?? 0) + 1;
  return calls;
}
