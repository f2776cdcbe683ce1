import type { Pool, PoolClient } from 'pg';
import { compareMigrationHistory, type AppliedMigrationRow, type SchemaProblem } from './migration-history';
import { checksumOf, type LocalMigration } from './migrations-directory';

const UNDEFINED_TABLE = '42P01';

type Queryable = Pick<Pool | PoolClient, 'query'>;

/** Reads Prisma's migration table; an absent table means nothing was ever applied. */
export async function readAppliedMigrations(db: Queryable): Promise<AppliedMigrationRow[]> {
  try {
    const result = await db.query<AppliedMigrationRow>(
      `SELECT migration_name AS "migrationName", checksum, finished_at AS "finishedAt",
              rolled_back_at AS "rolledBackAt", logs
         FROM _prisma_migrations ORDER BY started_at, migration_name`,
    );
    return result.rows;
  } catch (error) {
    if ((error as { code?: string }).code === UNDEFINED_TABLE) return [];
    throw error;
  }
}

export async function findSchemaProblems(db: Queryable, local: LocalMigration[]): Promise<SchemaProblem[]> {
  return compareMigrationHistory(local, await readAppliedMigrations(db), checksumOf);
}
