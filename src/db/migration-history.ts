import type { LocalMigration } from './migrations-directory';

/** One row of Prisma's `_prisma_migrations` table, as far as the guard needs it. */
export interface AppliedMigrationRow {
  migrationName: string;
  checksum: string;
  finishedAt: Date | null;
  rolledBackAt: Date | null;
  logs: string | null;
}

export type SchemaProblemKind = 'unapplied' | 'unknown' | 'failed' | 'edited';

export interface SchemaProblem {
  kind: SchemaProblemKind;
  migrations: string[];
  /** What an operator should do about it. */
  action: string;
}

const ACTIONS: Record<SchemaProblemKind, string> = {
  unapplied: 'Run `sitrep migrate` (or `npm run db:migrate`), or start with AUTO_MIGRATE=true.',
  unknown:
    'The database has migrations this build does not ship: a newer build migrated it. Deploy that build (or newer); do not run an older one against this database.',
  failed:
    'A migration failed part-way. Fix the database by hand, then mark it with `prisma migrate resolve --rolled-back <name>` or `--applied <name>` and migrate again.',
  edited:
    'A migration that was already applied has been changed since. Restore its original migration.sql and put the change in a new migration.',
};

/** Prisma normalises line endings before comparing checksums; so do we, to agree with `migrate status`. */
function sameScript(
  local: LocalMigration,
  appliedChecksum: string,
  checksumOf: (s: string) => string,
): boolean {
  if (local.checksum === appliedChecksum) return true;
  return (
    checksumOf(local.script.replace(/\r\n/g, '\n')) === appliedChecksum ||
    checksumOf(local.script.replace(/\r?\n/g, '\r\n')) === appliedChecksum
  );
}

/**
 * Compares the migrations this build ships with the database's migration table.
 * An empty result means code and schema agree. Rolled-back rows are history, not state.
 */
export function compareMigrationHistory(
  local: LocalMigration[],
  applied: AppliedMigrationRow[],
  checksumOf: (script: string) => string,
): SchemaProblem[] {
  const live = applied.filter((row) => row.rolledBackAt === null);
  const finished = new Map(
    live.filter((row) => row.finishedAt !== null).map((row) => [row.migrationName, row]),
  );
  const localNames = new Set(local.map((migration) => migration.name));

  const failed = [...new Set(live.filter((row) => row.finishedAt === null).map((row) => row.migrationName))];
  const unapplied = local.filter((m) => !finished.has(m.name) && !failed.includes(m.name)).map((m) => m.name);
  const unknown = [...finished.keys()].filter((name) => !localNames.has(name)).sort();
  const edited = local
    .filter((migration) => {
      const row = finished.get(migration.name);
      return row !== undefined && !sameScript(migration, row.checksum, checksumOf);
    })
    .map((migration) => migration.name);

  const found: [SchemaProblemKind, string[]][] = [
    ['failed', failed],
    ['edited', edited],
    ['unknown', unknown],
    ['unapplied', unapplied],
  ];
  return found
    .filter(([, migrations]) => migrations.length > 0)
    .map(([kind, migrations]) => ({ kind, migrations, action: ACTIONS[kind] }));
}

export function describeSchemaProblems(problems: SchemaProblem[]): string {
  const labels: Record<SchemaProblemKind, string> = {
    unapplied: 'not yet applied',
    unknown: 'applied in the database but unknown to this build',
    failed: 'failed',
    edited: 'edited after being applied',
  };
  return problems.map((problem) => `${labels[problem.kind]}: ${problem.migrations.join(', ')}`).join('; ');
}
