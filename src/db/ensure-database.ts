import { Client } from 'pg';
import { databaseNameOf, quoteIdentifier, withDatabase } from './pool';

const INVALID_CATALOG_NAME = '3D000';
const DUPLICATE_DATABASE = '42P04';
/** Two concurrent CREATE DATABASE of one name: the loser hits pg_database's unique index. */
const UNIQUE_VIOLATION = '23505';

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

/**
 * Creates the database named in `databaseUrl` when it does not exist yet, as
 * `prisma migrate deploy` does, so a fresh machine needs no manual `createdb`.
 * Returns true when it created it.
 */
export async function ensureDatabaseExists(databaseUrl: string): Promise<boolean> {
  const probe = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  try {
    await probe.connect();
    return false;
  } catch (error) {
    if (errorCode(error) !== INVALID_CATALOG_NAME) throw error;
  } finally {
    await probe.end().catch(() => undefined);
  }
  const admin = new Client({
    connectionString: withDatabase(databaseUrl, 'postgres'),
    connectionTimeoutMillis: 5000,
  });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${quoteIdentifier(databaseNameOf(databaseUrl))}`);
    return true;
  } catch (error) {
    const code = errorCode(error);
    if (code === DUPLICATE_DATABASE || code === UNIQUE_VIOLATION) return false; // another process won the race
    throw error;
  } finally {
    await admin.end();
  }
}
