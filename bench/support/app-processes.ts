/**
 * The built app (`dist/main.js`) running as production runs it: one `web` process and N `worker`
 * processes, each its own Node process, on a migrated database of their own, a Redis prefix of
 * their own and a fake Slack Web API served from the benchmark's process on 127.0.0.1.
 * Everything made is tracked so that cleanUp() can undo it whatever happened.
 */
import { Pool } from 'pg';
import { migrateDatabase } from '../../src/db/migrate';
import {
  createTestDatabase,
  REDIS_URL,
  uniqueRedisPrefix,
  type TestDatabase,
} from '../../test/support/database';
import { startFakeSlack, type FakeSlack } from '../../test/support/fake-slack';
import { ANNOUNCEMENTS_CHANNEL } from '../../test/support/slack-e2e';
import { TEST_BOT_TOKEN, TEST_SIGNING_SECRET } from '../../test/support/slack-requests';
import { freePort, MAIN, startChild, stopChild, type Child } from './child';
import { cleanupStep, deleteRedisKeys, once } from './cleanup';
import { pollUntil, sleep } from './poll';

const READY_TIMEOUT_MS = 30_000;

export interface AppProcess {
  role: 'web' | 'worker';
  child: Child;
}

export interface AppProcesses {
  db: TestDatabase;
  fake: FakeSlack;
  baseUrl: string;
  redisPrefix: string;
  processes: AppProcess[];
  /** The benchmark's own pool on the app's database. */
  pool: Pool;
}

export interface AppProcessesOptions {
  databaseLabel: string;
  redisLabel: string;
  workers: number;
  pool: { max: number; applicationName: string };
  env?: Record<string, string>;
  stopped: () => boolean;
}

function appEnv(world: { db: TestDatabase; fake: FakeSlack; redisPrefix: string }, port: number) {
  // A clean environment: no credentials from the caller's shell leak into the run.
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    NODE_ENV: 'production',
    DATABASE_URL: world.db.url,
    REDIS_URL,
    REDIS_PREFIX: world.redisPrefix,
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    SLACK_BOT_TOKEN: TEST_BOT_TOKEN,
    SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
    SLACK_API_URL: world.fake.url,
    SLACK_ANNOUNCEMENTS_CHANNEL: ANNOUNCEMENTS_CHANNEL,
  };
}

async function isReady(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

export function appProcesses(options: AppProcessesOptions): {
  start: () => Promise<AppProcesses>;
  cleanUp: () => Promise<void>;
} {
  const world: Partial<AppProcesses> & { processes: AppProcess[] } = { processes: [] };

  const spawnRole = (role: AppProcess['role'], port: number) => {
    const env = { ...appEnv(world as AppProcesses, port), ...options.env };
    // e.g. APP_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to profile the app processes.
    const nodeArgs = (process.env.APP_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const entry = { role, child: startChild(process.execPath, [...nodeArgs, MAIN, role], env) };
    world.processes.push(entry);
    return entry;
  };

  const waitReady = async (entry: AppProcess, url: string) => {
    const failure = (why: string) =>
      new Error(`${entry.role} (pid ${entry.child.process.pid}) ${why}:\n${entry.child.output.join('\n')}`);
    await pollUntil(() => isReady(url), {
      timeoutMs: READY_TIMEOUT_MS,
      intervalMs: 50,
      stopped: options.stopped,
      check: () => {
        if (entry.child.hasExited()) throw failure('exited before it was ready');
      },
      onTimeout: () => failure(`was not ready at ${url} within ${READY_TIMEOUT_MS} ms`),
    });
  };

  const start = async (): Promise<AppProcesses> => {
    world.redisPrefix = uniqueRedisPrefix(options.redisLabel);
    world.db = await createTestDatabase(options.databaseLabel);
    await migrateDatabase({ databaseUrl: world.db.url });
    world.fake = await startFakeSlack();
    const webPort = await freePort();
    world.baseUrl = `http://127.0.0.1:${webPort}`;
    const web = spawnRole('web', webPort);
    const workers = [];
    for (let i = 0; i < options.workers; i++) {
      // Workers serve /healthz and /readyz on a port of their own.
      const port = await freePort();
      workers.push({ entry: spawnRole('worker', port), port });
    }
    await waitReady(web, `${world.baseUrl}/readyz`);
    for (const { entry, port } of workers) await waitReady(entry, `http://127.0.0.1:${port}/readyz`);
    world.pool = new Pool({
      connectionString: world.db.url,
      max: options.pool.max,
      application_name: options.pool.applicationName,
    });
    world.pool.on('error', () => undefined);
    return world as AppProcesses;
  };

  /** Undoes everything start() made, step by step; safe to call more than once. */
  const cleanUp = once(async () => {
    const { pool, processes, fake, db, redisPrefix } = world;
    if (pool) await cleanupStep('close the benchmark pool', () => pool.end());
    for (const { role, child } of processes)
      await cleanupStep(`stop the ${role} process`, () => stopChild(child, `the ${role} process`));
    if (fake) await cleanupStep('close the fake Slack', () => fake.close());
    if (db) await cleanupStep(`drop database ${db.name}`, () => db.drop());
    if (redisPrefix)
      await cleanupStep(`delete Redis keys ${redisPrefix}:*`, () => deleteRedisKeys(REDIS_URL, redisPrefix));
  });

  return { start, cleanUp };
}

/**
 * Waits until no outbox row is pending or enqueued: ms waited, or NaN once `timeoutMs` passed or
 * the run is stopping (reported by the caller, not thrown).
 */
export async function drainOutbox(pool: Pool, timeoutMs: number, stopped: () => boolean): Promise<number> {
  const started = Date.now();
  while (!stopped() && Date.now() - started < timeoutMs) {
    const result = await pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM "OutboxMessage" WHERE status IN ('PENDING', 'ENQUEUED')`,
    );
    if (Number(result.rows[0]?.n) === 0) return Date.now() - started;
    await sleep(250);
  }
  return Number.NaN;
}
