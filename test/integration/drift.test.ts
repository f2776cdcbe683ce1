import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { diffMigrationsToSchema } from '../../src/db/drift';
import { DEFAULT_MIGRATIONS_DIR, DEFAULT_SCHEMA_PATH, PROJECT_ROOT } from '../../src/db/migrations-directory';
import { createMigration } from '../../src/db/new-migration';
import { POSTGRES_SERVER_URL } from '../support/database';

const run = promisify(execFile);

describe('drift between prisma/schema.prisma and prisma/migrations', () => {
  it('npm run db:check passes on this repository (schema and migrations agree)', async () => {
    const { stdout } = await run('npm', ['run', '--silent', 'db:check'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, DATABASE_URL: POSTGRES_SERVER_URL },
    });
    expect(stdout).toContain('prisma/schema.prisma and prisma/migrations agree.');
  });

  describe('on a copy of prisma/', () => {
    let dir: string;
    let schemaPath: string;
    let migrationsDir: string;
    beforeEach(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'sitrep-drift-'));
      schemaPath = path.join(dir, 'schema.prisma');
      migrationsDir = path.join(dir, 'migrations');
      cpSync(DEFAULT_SCHEMA_PATH, schemaPath);
      cpSync(DEFAULT_MIGRATIONS_DIR, migrationsDir, { recursive: true });
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    function addFieldToActionItem() {
      const schema = readFileSync(schemaPath, 'utf8');
      const changed = schema.replace(
        /model ActionItem \{\n/,
        'model ActionItem {\n  effortPoints Int @default(3)\n',
      );
      expect(changed).not.toBe(schema);
      writeFileSync(schemaPath, changed);
    }

    it('catches a schema change that has no migration, naming the difference', async () => {
      addFieldToActionItem();
      const sql = await diffMigrationsToSchema({
        databaseUrl: POSTGRES_SERVER_URL,
        schemaPath,
        migrationsDir,
      });
      expect(sql).toMatch(/ALTER TABLE "ActionItem" ADD COLUMN\s+"effortPoints" INTEGER NOT NULL DEFAULT 3/);
    });

    it('db:check exits non-zero and prints the missing SQL', async () => {
      addFieldToActionItem();
      const failure = run(
        'npm',
        ['run', '--silent', 'db:check', '--', '--schema', schemaPath, '--migrations', migrationsDir],
        {
          cwd: PROJECT_ROOT,
          env: { ...process.env, DATABASE_URL: POSTGRES_SERVER_URL },
        },
      );
      await expect(failure).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringMatching(
          /has changes that no migration contains[\s\S]*"effortPoints"[\s\S]*db:new-migration/,
        ),
      });
    });

    it('db:new-migration writes the next migration, after which there is no drift', async () => {
      addFieldToActionItem();
      const created = await createMigration('add priority', {
        databaseUrl: POSTGRES_SERVER_URL,
        schemaPath,
        migrationsDir,
        now: new Date('2099-01-02T03:04:05Z'),
      });
      expect(created?.folder).toBe('20990102030405_add_priority');
      expect(readdirSync(migrationsDir)).toContain('20990102030405_add_priority');
      expect(readFileSync(path.join(migrationsDir, created!.folder, 'migration.sql'), 'utf8')).toContain(
        '"effortPoints"',
      );
      await expect(
        diffMigrationsToSchema({ databaseUrl: POSTGRES_SERVER_URL, schemaPath, migrationsDir }),
      ).resolves.toBe('');
      await expect(
        createMigration('again', { databaseUrl: POSTGRES_SERVER_URL, schemaPath, migrationsDir }),
      ).resolves.toBeNull();
    });

    it('leaves no shadow database behind', async () => {
      await diffMigrationsToSchema({ databaseUrl: POSTGRES_SERVER_URL, schemaPath, migrationsDir });
      const { stdout } = await run('psql', [
        POSTGRES_SERVER_URL,
        '-tAc',
        "SELECT count(*) FROM pg_database WHERE datname LIKE 'sitrep_shadow_%'",
      ]);
      expect(Number(stdout.trim())).toBe(0);
    });
  });
});
