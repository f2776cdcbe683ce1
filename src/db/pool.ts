import { Pool } from 'pg';

export function createPool(databaseUrl: string, max = 10): Pool {
  // Bounded waits: a hung connection must fail a query, not freeze the guard or the status page.
  const pool = new Pool({
    connectionString: databaseUrl,
    max,
    connectionTimeoutMillis: 5000,
    query_timeout: 15000,
  });
  // An idle client losing its connection (PostgreSQL restart) must not crash the process;
  // the pool replaces it and the next query reports the problem where it can be handled.
  pool.on('error', () => undefined);
  return pool;
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
