import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { migrateDatabase } from '../../src/db/migrate';
import { DEFAULT_MIGRATIONS_DIR, readLocalMigrations } from '../../src/db/migrations-directory';
import { NOT_READY_SCHEMA_TEXT } from '../../src/slack/middleware/require-schema-ready';
import { createTestDatabase, uniqueRedisPrefix, type TestDatabase } from '../support/database';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack';
import { bootSitrep, type SitrepUnderTest } from '../support/sitrep-harness';
import { sendSlashCommand, TEST_BOT_TOKEN, TEST_SIGNING_SECRET } from '../support/slack-requests';

/**
 * The seed incident, replayed against Sitrep: code and schema disagree. In each of the four
 * ways they can, Sitrep must refuse readiness, say why in JSON and in one log line, and answer
 * Slack with a plain "not ready" instead of touching the database.
 */
describe('schema guard (real PostgreSQL)', () => {
  const shipped = readLocalMigrations();
  const firstMigration = shipped[0]!.name;
  let db: TestDatabase;
  let fakeSlack: FakeSlack;
  let app: SitrepUnderTest | undefined;
  let migrationsDir: string;

  beforeAll(async () => {
    fakeSlack = await startFakeSlack();
  });
  afterAll(async () => fakeSlack.close());
  beforeEach(async () => {
    db = await createTestDatabase('guard');
    migrationsDir = mkdtempSync(path.join(tmpdir(), 'sitrep-guard-'));
    cpSync(DEFAULT_MIGRATIONS_DIR, migrationsDir, { recursive: true });
  });
  afterEach(async () => {
    await app?.stop();
    app = undefined;
    await db.drop();
    rmSync(migrationsDir, { recursive: true, force: true });
  });

  async function boot(autoMigrate: boolean) {
    app = await bootSitrep(
      {
        DATABASE_URL: db.url,
        REDIS_PREFIX: uniqueRedisPrefix('guard'),
        AUTO_MIGRATE: String(autoMigrate),
        SLACK_BOT_TOKEN: TEST_BOT_TOKEN,
        SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
        SLACK_API_URL: fakeSlack.url,
      },
      'all',
      { migrationsDir },
    );
    return app;
  }

  async function expectNotReady(kind: string, migrations: string[]) {
    const running = app!;
    for (let probe = 0; probe < 3; probe += 1) {
      const { status, body } = await running.getJson('/readyz');
      expect(status).toBe(503);
      expect(body).toMatchObject({
        status: 'not_ready',
        checks: {
          database: { ok: true },
          redis: { ok: true },
          schema: {
            ok: false,
            problems: [expect.objectContaining({ kind, migrations, action: expect.any(String) })],
          },
        },
      });
    }
    const mismatchLines = running.logs.entries().filter((entry) => entry.event === 'schema_mismatch');
    expect(mismatchLines).toHaveLength(1);
    expect(mismatchLines[0]!.msg).toEqual(expect.stringContaining(migrations[0]!));

    const reply = await sendSlashCommand(running.baseUrl, 'help');
    expect(reply.status).toBe(200);
    expect(await reply.json()).toEqual({ response_type: 'ephemeral', text: NOT_READY_SCHEMA_TEXT });
    expect(NOT_READY_SCHEMA_TEXT).toMatch(/^Sitrep is not ready: database schema is out of date/);
  }

  it('unapplied migrations (auto-migrate off): not ready until someone migrates, then ready', async () => {
    await boot(false);
    await expectNotReady(
      'unapplied',
      shipped.map((m) => m.name),
    );

    await migrateDatabase({ databaseUrl: db.url, migrationsDir });
    const { status, body } = await app!.getJson('/readyz');
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'ready' });
    const reply = await sendSlashCommand(app!.baseUrl, 'help');
    expect(await reply.json()).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('Sitrep'),
    });
    expect(app!.logs.entries().some((entry) => entry.event === 'schema_ok')).toBe(true);
  });

  it('a migration this build does not know (an older build after a newer migration), even with auto-migrate on', async () => {
    await migrateDatabase({ databaseUrl: db.url, migrationsDir });
    await db.query(
      `INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
       VALUES ('c0ffee00-0000-0000-0000-000000000001', 'abc', '20991231000000_from_a_newer_build', now(), now(), 1)`,
    );
    await boot(true);
    await expectNotReady('unknown', ['20991231000000_from_a_newer_build']);
  });

  it('a failed migration', async () => {
    mkdirSync(path.join(migrationsDir, '20991231000000_broken'));
    writeFileSync(
      path.join(migrationsDir, '20991231000000_broken', 'migration.sql'),
      'ALTER TABLE "Missing" ADD COLUMN "x" int;\n',
    );
    await boot(true);
    await expectNotReady('failed', ['20991231000000_broken']);
    expect(app!.logs.entries().some((entry) => entry.event === 'migration_failed')).toBe(true);
  });

  it('a migration edited after it was applied', async () => {
    await migrateDatabase({ databaseUrl: db.url, migrationsDir });
    appendFileSync(
      path.join(migrationsDir, firstMigration, 'migration.sql'),
      '\n-- an innocent-looking edit\n',
    );
    await boot(true);
    await expectNotReady('edited', [firstMigration]);
    expect(app!.logs.entries().some((entry) => entry.event === 'migration_refused')).toBe(true);
  });

  it('a matching schema is ready and Slack commands reach their listener', async () => {
    await boot(true);
    const { status, body } = await app!.getJson('/readyz');
    expect(status).toBe(200);
    expect(body).toEqual({
      status: 'ready',
      checks: { database: { ok: true }, redis: { ok: true }, schema: { ok: true } },
    });
    const reply = await sendSlashCommand(app!.baseUrl, 'help');
    expect(await reply.json()).toMatchObject({ text: expect.stringContaining('/incident help') });
  });
});
