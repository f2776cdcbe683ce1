import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export const POSTGRES_SERVER_URL =
  process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestDatabase {
  name: string;
  url: string;
  query<T extends object = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

function urlFor(database: string): string {
  const url = new URL(POSTGRES_SERVER_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

async function admin(sql: string): Promise<void> {
  const client = new Client({ connectionString: POSTGRES_SERVER_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A database of its own per test (file), so test files can run in parallel. */
export function uniqueDatabaseName(label: string): string {
  return `sitrep_test_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
}

/**
 * `create: false` only reserves a name: Sitrep must create the database itself.
 */
export async function createTestDatabase(
  label: string,
  options: { create?: boolean } = {},
): Promise<TestDatabase> {
  const name = uniqueDatabaseName(label);
  if (options.create !== false) await admin(`CREATE DATABASE "${name}"`);
  const url = urlFor(name);
  return {
    name,
    url,
    async query<T extends object>(sql: string, params: unknown[] = []) {
      const client = new Client({ connectionString: url });
      // A fault test may terminate this connection; the query rejects, no stray 'error' event.
      client.on('error', () => undefined);
      await client.connect();
      try {
        return (await client.query(sql, params)).rows as T[];
      } finally {
        await client.end();
      }
    },
    drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

export function uniqueRedisPrefix(label: string): string {
  return `sitrep-test-${label}-${randomBytes(4).toString('hex')}`;
}

/** Removes every key a test wrote under its own prefix (only test prefixes, never a real one). */
export async function deleteRedisPrefix(prefix: string): Promise<void> {
  if (!prefix.startsWith('sitrep-test-')) return;
  const { Redis } = await import('ioredis');
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
