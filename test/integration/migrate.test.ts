import { cpSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { migrateDatabase, MigrationRefusedError } from '../../src/db/migrate';
import { DEFAULT_MIGRATIONS_DIR, readLocalMigrations } from '../../src/db/migrations-directory';
import { createTestDatabase, type TestDatabase } from '../support/database';

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  applied_steps_count: number;
}

describe('migrateDatabase (Prisma schema engine, real PostgreSQL)', () => {
  let db: TestDatabase;
  afterEach(async () => db?.drop());

  it('creates a missing database, applies every shipped migration and records them as Prisma does', async () => {
    db = await createTestDatabase('migrate_fresh', { create: false });
    const result = await migrateDatabase({ databaseUrl: db.url });
    const shipped = readLocalMigrations();
    expect(result.createdDatabase).toBe(true);
    expect(result.applied).toEqual(shipped.map((m) => m.name));

    const rows = await db.query<MigrationRow>('SELECT * FROM _prisma_migrations ORDER BY migration_name');
    expect(
      rows.map((r) => [r.migration_name, r.checksum, r.finished_at !== null, r.applied_steps_count]),
    ).toEqual(shipped.map((m) => [m.name, m.checksum, true, 1]));
    const tables = await db.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining([
        'Incident',
        'IncidentUpdate',
        'TimelineEvent',
        'Component',
        'ComponentGroup',
        'Postmortem',
        'ActionItem',
        'OutboxMessage',
      ]),
    );

    const again = await migrateDatabase({ databaseUrl: db.url });
    expect(again).toEqual({ applied: [], createdDatabase: false });
  });

  it('applies each migration exactly once when many migrators start together on an empty database', async () => {
    db = await createTestDatabase('migrate_race', { create: false });
    const results = await Promise.all(
      Array.from({ length: 6 }, () => migrateDatabase({ databaseUrl: db.url })),
    );
    const appliedEverywhere = results.flatMap((r) => r.applied);
    const shipped = readLocalMigrations().map((m) => m.name);
    expect(appliedEverywhere.sort()).toEqual([...shipped].sort());
    expect(results.filter((r) => r.createdDatabase)).toHaveLength(1);
    const rows = await db.query<{ migration_name: string; n: string }>(
      'SELECT migration_name, count(*) AS n FROM _prisma_migrations GROUP BY migration_name ORDER BY migration_name',
    );
    expect(rows.map((r) => [r.migration_name, Number(r.n)])).toEqual(shipped.map((name) => [name, 1]));
  });

  describe('with a copy of the migrations folder', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'sitrep-migrations-'));
      cpSync(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('applies a new migration added later, and only that one', async () => {
      db = await createTestDatabase('migrate_later');
      await migrateDatabase({ databaseUrl: db.url, migrationsDir: dir });
      mkdirSync(path.join(dir, '20991231000000_add_note'));
      writeFileSync(
        path.join(dir, '20991231000000_add_note', 'migration.sql'),
        'ALTER TABLE "Incident" ADD COLUMN "note" TEXT;\n',
      );
      const result = await migrateDatabase({ databaseUrl: db.url, migrationsDir: dir });
      expect(result.applied).toEqual(['20991231000000_add_note']);
      const columns = await db.query<{ column_name: string }>(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'Incident' AND column_name = 'note'",
      );
      expect(columns).toHaveLength(1);
    });

    it('records a failing migration as failed and then refuses to go on, naming it', async () => {
      db = await createTestDatabase('migrate_fail');
      await migrateDatabase({ databaseUrl: db.url, migrationsDir: dir });
      mkdirSync(path.join(dir, '20991231000000_broken'));
      writeFileSync(
        path.join(dir, '20991231000000_broken', 'migration.sql'),
        'ALTER TABLE "NoSuchTable" ADD COLUMN "x" TEXT;\n',
      );
      await expect(migrateDatabase({ databaseUrl: db.url, migrationsDir: dir })).rejects.toThrow(
        /NoSuchTable/,
      );
      const rows = await db.query<MigrationRow>(
        "SELECT * FROM _prisma_migrations WHERE migration_name = '20991231000000_broken'",
      );
      expect(rows).toEqual([expect.objectContaining({ finished_at: null })]);

      const again = migrateDatabase({ databaseUrl: db.url, migrationsDir: dir });
      await expect(again).rejects.toBeInstanceOf(MigrationRefusedError);
      await expect(again).rejects.toThrow(/failed: 20991231000000_broken/);
    });
  });
});
