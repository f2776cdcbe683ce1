/**
 * The world a fault scenario runs in: a migrated database of its own, a fake Slack Web API in
 * this process, and real Sitrep processes (`web`, `worker`) spawned from src/main.ts, so a
 * scenario can kill, restart or starve them the way production would.
 */
import { migrateDatabase } from '../../../src/db/migrate';
import {
  createTestDatabase,
  deleteRedisPrefix,
  REDIS_URL,
  uniqueRedisPrefix,
  type TestDatabase,
} from '../../support/database';
import { startFakeSlack, type FakeSlack } from '../../support/fake-slack';
import { spawnSitrep, type SitrepProcess } from '../../support/process';
import { ANNOUNCEMENTS_CHANNEL } from '../../support/slack-e2e';
import { TEST_BOT_TOKEN, TEST_SIGNING_SECRET } from '../../support/slack-requests';

export { ANNOUNCEMENTS_CHANNEL };

export interface RunningProcess {
  role: 'web' | 'worker';
  process: SitrepProcess;
  /** http://127.0.0.1:<port> once it listens. */
  baseUrl: string;
}

export interface FaultWorld {
  db: TestDatabase;
  fake: FakeSlack;
  env: Record<string, string>;
  processes: RunningProcess[];
  start(role: 'web' | 'worker', extraEnv?: Record<string, string>): Promise<RunningProcess>;
  /** Base URLs of the web processes still running. */
  webUrls(): string[];
  /** SIGTERM every process still running and wait for it; returns their exits. */
  stopAll(): Promise<{ code: number | null; signal: NodeJS.Signals | null }[]>;
  close(): Promise<void>;
}

const alive = (p: SitrepProcess) => p.child.exitCode === null && p.child.signalCode === null;

export async function startFaultWorld(
  label: string,
  options: { redisUrl?: string } = {},
): Promise<FaultWorld> {
  const db = await createTestDatabase(label);
  await migrateDatabase({ databaseUrl: db.url });
  const fake = await startFakeSlack();
  const prefix = uniqueRedisPrefix(label);
  const env: Record<string, string> = {
    DATABASE_URL: db.url,
    REDIS_URL: options.redisUrl ?? REDIS_URL,
    REDIS_PREFIX: prefix,
    AUTO_MIGRATE: 'false',
    SLACK_BOT_TOKEN: TEST_BOT_TOKEN,
    SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
    SLACK_API_URL: fake.url,
    SLACK_ANNOUNCEMENTS_CHANNEL: ANNOUNCEMENTS_CHANNEL,
    // Short locks: the job of a killed worker is taken over in seconds, not a minute.
    JOB_LOCK_MS: '2000',
    LOG_LEVEL: 'info',
  };
  const processes: RunningProcess[] = [];
  return {
    db,
    fake,
    env,
    processes,
    async start(role, extraEnv = {}) {
      const process = spawnSitrep([role], { ...env, ...extraEnv });
      const port = await Promise.race([
        process.port,
        process.exit.then((exit) => {
          throw new Error(
            `${role} exited while booting (${JSON.stringify(exit)}): ${process.stderr.join('')}`,
          );
        }),
      ]);
      const running = { role, process, baseUrl: `http://127.0.0.1:${port}` };
      processes.push(running);
      return running;
    },
    webUrls: () => processes.filter((p) => p.role === 'web' && alive(p.process)).map((p) => p.baseUrl),
    async stopAll() {
      const running = processes.filter((p) => alive(p.process));
      for (const p of running) p.process.child.kill('SIGTERM');
      return Promise.all(running.map((p) => p.process.exit));
    },
    async close() {
      for (const p of processes) if (alive(p.process)) p.process.child.kill('SIGKILL');
      await Promise.all(processes.map((p) => p.process.exit));
      await fake.close();
      await db.drop();
      if (!options.redisUrl) await deleteRedisPrefix(prefix);
    },
  };
}
