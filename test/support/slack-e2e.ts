import { migrateDatabase } from '../../src/db/migrate';
import { outboxIdFor } from '../../src/jobs/outbox-topics';
import type { StartOptions } from '../../src/runtime/start';
import { createTestDatabase, uniqueRedisPrefix, type TestDatabase } from './database';
import { startFakeSlack, type FakeSlack } from './fake-slack';
import { waitFor } from './process';
import { bootSitrep, type SitrepUnderTest } from './sitrep-harness';
import { TEST_BOT_TOKEN, TEST_SIGNING_SECRET } from './slack-requests';

export const ANNOUNCEMENTS_CHANNEL = 'C0ANNOUNCE';

export interface SlackWorld {
  db: TestDatabase;
  fake: FakeSlack;
  app: SitrepUnderTest;
  /** Waits until the fake Slack has seen `count` calls to `method` (matching `where`). */
  calls(
    method: string,
    count?: number,
    where?: (args: Record<string, unknown>) => boolean,
  ): Promise<Record<string, unknown>[]>;
  /**
   * Waits until the worker has carried out a modal submission (stored before its ack, see
   * queueSubmission) and returns how it ended: DONE, or FAILED with the reason.
   */
  submission(
    kind: 'declare' | 'update',
    viewId: string,
  ): Promise<{ status: string; lastError: string | null }>;
  close(): Promise<void>;
}

/** The real app (web + worker) on a migrated database of its own, talking to a fake Slack. */
export async function startSlackWorld(
  label: string,
  env: Record<string, string> = {},
  options: StartOptions = {},
): Promise<SlackWorld> {
  const db = await createTestDatabase(label);
  await migrateDatabase({ databaseUrl: db.url });
  const fake = await startFakeSlack();
  const app = await bootSitrep(
    {
      DATABASE_URL: db.url,
      REDIS_PREFIX: uniqueRedisPrefix(label),
      SLACK_BOT_TOKEN: TEST_BOT_TOKEN,
      SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
      SLACK_API_URL: fake.url,
      SLACK_ANNOUNCEMENTS_CHANNEL: ANNOUNCEMENTS_CHANNEL,
      ...env,
    },
    'all',
    options,
  );
  return {
    db,
    fake,
    app,
    calls: (method, count = 1, where = () => true) =>
      waitFor(
        async () => {
          const matching = fake.callsTo(method).filter((call) => where(call.args));
          return matching.length >= count ? matching.map((call) => call.args) : undefined;
        },
        10000,
        `${count} call(s) to ${method}`,
      ),
    submission: (kind, viewId) =>
      waitFor(
        async () => {
          const [row] = await db.query<{ status: string; lastError: string | null }>(
            'SELECT status::text AS status, "lastError" FROM "OutboxMessage" WHERE id = $1',
            [outboxIdFor(`${kind}:${viewId}`)],
          );
          return row && (row.status === 'DONE' || row.status === 'FAILED') ? row : undefined;
        },
        10000,
        `the ${kind} submission of view ${viewId} to be carried out`,
      ),
    async close() {
      await app.stop();
      await fake.close();
      await db.drop();
    },
  };
}
