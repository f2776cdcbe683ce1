import { Pool } from 'pg';

export function createPool(databaseUrl: string, max = 10, min = 0): Pool {
  // Bounded waits: a hung connection must fail a query, not freeze the guard or the status page.
  const pool = new Pool({
    connectionString: databaseUrl,
    max,
    // pg-pool closes idle connections only above `min`; it never opens them ahead (see openPool).
    min,
    connectionTimeoutMillis: 5000,
    query_timeout: 15000,
  });
  // An idle client losing its connection (PostgreSQL restart) must not crash the process;
  // the pool replaces it and the next query reports the problem where it can be handled.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * Opens the pool's `min` connections now instead of during the first burst of requests, where
 * each new connection costs PostgreSQL a backend start while 50 requests wait. Returns how many
 * were opened; a failure is the caller's to log, the pool still opens connections on demand.
 */
export async function openPool(pool: Pool): Promise<number> {
  const before = pool.totalCount;
  // Holding `min` clients at once is what makes the pool open new ones rather than reuse one.
  const clients = await Promise.allSettled(
    Array.from({ length: pool.options.min ?? 0 }, () => pool.connect()),
  );
  let failure: unknown;
  for (const client of clients) {
    if (client.status === 'fulfilled') client.value.release();
    else failure ??= client.reason;
  }
  if (failure) throw failure;
  return pool.totalCount - before;
}

export function databaseNameOf(databaseUrl: string): string {
  return decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''));
}

export function withDatabase(databaseUrl: string, database: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
