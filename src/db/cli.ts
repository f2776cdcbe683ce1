/**
 * Database commands behind the npm scripts:
 *   db:migrate   apply pending migrations (same as `sitrep migrate`)
 *   db:status    compare prisma/migrations with the database; exit 1 when they disagree
 *   db:check     compare prisma/schema.prisma with prisma/migrations; exit 1 on drift
 *   db:new-migration -- <name>   write the next migration from the schema change
 * Options: --schema <file> and --migrations <dir> (default: this project's prisma/ folder).
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/config';
import { diffMigrationsToSchema } from './drift';
import { migrateDatabase } from './migrate';
import { describeSchemaProblems } from './migration-history';
import { readLocalMigrations } from './migrations-directory';
import { createMigration } from './new-migration';
import { createPool } from './pool';
import { findSchemaProblems } from './schema-check';

async function run(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { schema: { type: 'string' }, migrations: { type: 'string' } },
  });
  const [command, ...args] = positionals;
  const paths = { schemaPath: values.schema, migrationsDir: values.migrations };
  const { databaseUrl } = loadConfig(process.env);
  switch (command) {
    case 'migrate': {
      const { applied } = await migrateDatabase({ databaseUrl, migrationsDir: paths.migrationsDir });
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'No pending migrations.');
      return 0;
    }
    case 'status': {
      const pool = createPool(databaseUrl, 1);
      try {
        const local = readLocalMigrations(paths.migrationsDir);
        const problems = await findSchemaProblems(pool, local);
        if (problems.length === 0) {
          console.log(`Database schema is up to date (${local.length} migrations).`);
          return 0;
        }
        console.log(`Database schema does not match this build: ${describeSchemaProblems(problems)}`);
        for (const problem of problems) console.log(`  ${problem.kind}: ${problem.action}`);
        return 1;
      } finally {
        await pool.end();
      }
    }
    case 'check': {
      const sql = await diffMigrationsToSchema({ databaseUrl, ...paths });
      if (!sql) {
        console.log('prisma/schema.prisma and prisma/migrations agree.');
        return 0;
      }
      console.error('prisma/schema.prisma has changes that no migration contains:\n');
      console.error(sql);
      console.error('\nRun `npm run db:new-migration -- <name>` to write the migration.');
      return 1;
    }
    case 'new-migration': {
      const name = args.join('_');
      const created = await createMigration(name, { databaseUrl, ...paths });
      console.log(
        created
          ? `Wrote prisma/migrations/${created.folder}/migration.sql:\n\n${created.sql}`
          : 'No schema changes: nothing to write.',
      );
      return 0;
    }
    default:
      console.error('Usage: db <migrate|status|check|new-migration NAME>');
      return 2;
  }
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : `Error: ${(error as Error).message}`);
    process.exit(1);
  },
);
