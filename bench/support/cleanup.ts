/**
 * Undoing what a benchmark made: databases, Redis keys, and the SIGINT/SIGTERM handling that
 * runs the cleanup when the run is interrupted.
 */
import { Redis } from 'ioredis';
import { Client } from 'pg';

export const POSTGRES_SERVER = 'postgresql://postgres@127.0.0.1:5432';
export const ADMIN_URL = `${POSTGRES_SERVER}/postgres`;

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

async function withAdmin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function createDatabase(name: string): Promise<void> {
  await withAdmin((client) => client.query(`CREATE DATABASE ${quoteIdentifier(name)}`));
}

export async function databaseExists(name: string): Promise<boolean> {
  return withAdmin(async (client) => {
    const result = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return (result.rowCount ?? 0) > 0;
  });
}

export async function dropDatabase(name: string): Promise<void> {
  await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`));
}

/** Deletes every Redis key under `<prefix>:`; returns how many were deleted. */
export async function deleteRedisKeys(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 2000, lazyConnect: true });
  redis.on('error', () => undefined);
  let deleted = 0;
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/** Wraps a cleanup so that it runs once; later calls share the first call's promise. */
export function once(fn: () => Promise<void>): () => Promise<void> {
  let promise: Promise<void> | undefined;
  return () => (promise ??= fn());
}

/** One cleanup step: a failure is reported and the next step still runs. */
export async function cleanupStep(what: string, fn: () => Promise<unknown> | unknown): Promise<void> {
  try {
    await fn();
  } catch (error) {
    console.error(`Cleanup: could not ${what}: ${(error as Error).message}`);
  }
}

export interface CleanupHandling {
  /** Printed after "<signal>: " when SIGINT or SIGTERM arrives. */
  signalMessage: string;
  /** Runs first when a signal arrives (stop clients, kill a child ...). */
  onSignal?: () => void;
  /** Runs when the body has finished, before the cleanup. */
  onFinish?: () => void;
  cleanUp: () => Promise<void>;
}

/**
 * Runs the body, then the cleanup. On SIGINT/SIGTERM the cleanup runs and the process exits 130.
 */
export async function runWithCleanup(
  body: () => Promise<number>,
  handling: CleanupHandling,
): Promise<number> {
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: ${handling.signalMessage}`);
    handling.onSignal?.();
    void handling.cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await body();
  } finally {
    handling.onFinish?.();
    await handling.cleanUp();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}
