import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import {
  DEFAULT_MIGRATIONS_DIR,
  DEFAULT_SCHEMA_PATH,
  readLocalMigrations,
  toMigrationList,
} from './migrations-directory';
import { quoteIdentifier, withDatabase } from './pool';
import { openSchemaEngine } from './schema-engine';

export interface DriftOptions {
  /** Any URL on the PostgreSQL server to use; only a throwaway shadow database is written. */
  databaseUrl: string;
  migrationsDir?: string;
  schemaPath?: string;
}

/**
 * SQL that would bring a database built from prisma/migrations to what prisma/schema.prisma
 * describes; empty when they agree. This is `prisma migrate diff --from-migrations
 * --to-schema`, run on the wasm engine with a shadow database we create and drop ourselves
 * (adapter-pg 7.10's own shadow database handling is broken, see ENVIRONMENT.md).
 */
export async function diffMigrationsToSchema(options: DriftOptions): Promise<string> {
  const migrationsDir = options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR;
  const schema = readFileSync(options.schemaPath ?? DEFAULT_SCHEMA_PATH, 'utf8');
  const shadowName = `sitrep_shadow_${randomBytes(6).toString('hex')}`;
  const adminUrl = withDatabase(options.databaseUrl, 'postgres');
  const shadowUrl = withDatabase(options.databaseUrl, shadowName);
  await runAdmin(adminUrl, `CREATE DATABASE ${quoteIdentifier(shadowName)}`);
  try {
    const handle = await openSchemaEngine(shadowUrl, { shadowDatabaseUrl: shadowUrl });
    try {
      const result = await handle.engine.diff({
        from: { tag: 'migrations', ...toMigrationList(migrationsDir, readLocalMigrations(migrationsDir)) },
        to: { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: schema }] },
        script: true,
        exitCode: true,
        filters: { externalTables: [], externalEnums: [] },
      });
      return result.exitCode === 2 ? (result.stdout ?? '').trim() : '';
    } finally {
      await handle.close();
    }
  } finally {
    await runAdmin(adminUrl, `DROP DATABASE IF EXISTS ${quoteIdentifier(shadowName)} WITH (FORCE)`);
  }
}

async function runAdmin(adminUrl: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
