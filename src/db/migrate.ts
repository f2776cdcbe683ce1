import type { Logger } from 'pino';
import { Client } from 'pg';
import { ensureDatabaseExists } from './ensure-database';
import { describeSchemaProblems } from './migration-history';
import { readLocalMigrations, toMigrationList, DEFAULT_MIGRATIONS_DIR } from './migrations-directory';
import { findSchemaProblems } from './schema-check';
import { openSchemaEngine } from './schema-engine';

/**
 * Key of the session-level advisory lock that serialises migrations across every Sitrep
 * process using the same database ("sitrep" in ASCII). Advisory locks are per database.
 */
export const MIGRATION_LOCK_KEY = 0x73697472_6570;

export interface MigrateResult {
  applied: string[];
  createdDatabase: boolean;
}

export class MigrationRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationRefusedError';
  }
}

/**
 * Applies pending migrations with Prisma's schema engine, exactly once across processes:
 * the first process to take the advisory lock applies them, the others wait and then find
 * nothing left to do. The engine is only loaded when there is work, which keeps the boot
 * of an up-to-date service fast.
 */
export async function migrateDatabase(options: {
  databaseUrl: string;
  migrationsDir?: string;
  logger?: Logger;
}): Promise<MigrateResult> {
  const migrationsDir = options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR;
  const createdDatabase = await ensureDatabaseExists(options.databaseUrl);
  if (createdDatabase) options.logger?.info({ event: 'database_created' }, 'Created the database');
  const local = readLocalMigrations(migrationsDir);
  const lockClient = new Client({ connectionString: options.databaseUrl, connectionTimeoutMillis: 5000 });
  await lockClient.connect();
  try {
    await lockClient.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const problems = await findSchemaProblems(lockClient, local);
    const blocking = problems.filter((problem) => problem.kind === 'failed' || problem.kind === 'edited');
    if (blocking.length > 0) {
      throw new MigrationRefusedError(
        `Refusing to migrate: ${describeSchemaProblems(blocking)}. ${blocking.map((p) => p.action).join(' ')}`,
      );
    }
    if (!problems.some((problem) => problem.kind === 'unapplied')) return { applied: [], createdDatabase };

    const handle = await openSchemaEngine(options.databaseUrl);
    try {
      const { appliedMigrationNames } = await handle.engine.applyMigrations({
        migrationsList: toMigrationList(migrationsDir, local),
        filters: { externalTables: [], externalEnums: [] },
      });
      options.logger?.info(
        { event: 'migrations_applied', migrations: appliedMigrationNames },
        `Applied ${appliedMigrationNames.length} migration(s)`,
      );
      return { applied: appliedMigrationNames, createdDatabase };
    } finally {
      await handle.close();
    }
  } finally {
    await lockClient.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lockClient.end().catch(() => undefined);
  }
}
