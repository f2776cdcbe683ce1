import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { diffMigrationsToSchema, type DriftOptions } from './drift';
import { DEFAULT_MIGRATIONS_DIR, LOCKFILE_CONTENT } from './migrations-directory';

export function migrationFolderName(name: string, now: Date): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 60);
  if (!slug)
    throw new Error('A migration needs a name made of letters or digits, e.g. `add_action_item_priority`');
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `${stamp}_${slug}`;
}

/** Writes the next migration from the difference between migrations and schema, if any. */
export async function createMigration(
  name: string,
  options: DriftOptions & { now?: Date },
): Promise<{ folder: string; sql: string } | null> {
  const migrationsDir = options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR;
  const folder = migrationFolderName(name, options.now ?? new Date());
  const sql = await diffMigrationsToSchema(options);
  if (!sql) return null;
  mkdirSync(path.join(migrationsDir, folder), { recursive: true });
  writeFileSync(path.join(migrationsDir, folder, 'migration.sql'), `${sql}\n`);
  const lockfile = path.join(migrationsDir, 'migration_lock.toml');
  if (!existsSync(lockfile)) writeFileSync(lockfile, LOCKFILE_CONTENT);
  return { folder, sql };
}
