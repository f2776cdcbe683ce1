import fc from 'fast-check';
import {
  compareMigrationHistory,
  describeSchemaProblems,
  type AppliedMigrationRow,
} from '../../src/db/migration-history';
import { checksumOf, type LocalMigration } from '../../src/db/migrations-directory';

const local = (name: string, script = `-- ${name}\nSELECT 1;\n`): LocalMigration => ({
  name,
  script,
  checksum: checksumOf(script),
});
const applied = (
  migration: LocalMigration,
  overrides: Partial<AppliedMigrationRow> = {},
): AppliedMigrationRow => ({
  migrationName: migration.name,
  checksum: migration.checksum,
  finishedAt: new Date('2026-01-01T00:00:00Z'),
  rolledBackAt: null,
  logs: null,
  ...overrides,
});

const a = local('20260101000000_init');
const b = local('20260201000000_add_roles');

describe('compareMigrationHistory', () => {
  it('finds nothing when every shipped migration is applied unchanged', () => {
    expect(compareMigrationHistory([a, b], [applied(a), applied(b)], checksumOf)).toEqual([]);
  });

  it('names migrations not yet applied', () => {
    expect(compareMigrationHistory([a, b], [applied(a)], checksumOf)).toEqual([
      expect.objectContaining({ kind: 'unapplied', migrations: [b.name] }),
    ]);
  });

  it('names migrations the database has and this build does not (an older build after a newer migration)', () => {
    expect(compareMigrationHistory([a], [applied(a), applied(b)], checksumOf)).toEqual([
      expect.objectContaining({
        kind: 'unknown',
        migrations: [b.name],
        action: expect.stringMatching(/newer build/),
      }),
    ]);
  });

  it('names failed migrations and does not also call them unapplied', () => {
    const problems = compareMigrationHistory(
      [a, b],
      [applied(a), applied(b, { finishedAt: null, logs: 'boom' })],
      checksumOf,
    );
    expect(problems).toEqual([expect.objectContaining({ kind: 'failed', migrations: [b.name] })]);
  });

  it('names edited migrations', () => {
    const edited = {
      ...b,
      script: `${b.script}ALTER TABLE x ADD y int;\n`,
      checksum: checksumOf(`${b.script}ALTER TABLE x ADD y int;\n`),
    };
    expect(compareMigrationHistory([a, edited], [applied(a), applied(b)], checksumOf)).toEqual([
      expect.objectContaining({ kind: 'edited', migrations: [b.name] }),
    ]);
  });

  it('ignores rolled-back attempts and accepts a line-ending-only change, as Prisma does', () => {
    const crlf = {
      ...a,
      script: a.script.replace(/\n/g, '\r\n'),
      checksum: checksumOf(a.script.replace(/\n/g, '\r\n')),
    };
    const history = [applied(a, { finishedAt: null, rolledBackAt: new Date() }), applied(a)];
    expect(compareMigrationHistory([crlf], history, checksumOf)).toEqual([]);
  });

  it('describes problems in one line', () => {
    const text = describeSchemaProblems(compareMigrationHistory([a, b], [], checksumOf));
    expect(text).toBe(`not yet applied: ${a.name}, ${b.name}`);
  });

  const names = fc.uniqueArray(fc.stringMatching(/^[0-9]{14}_[a-z_]{1,12}$/), {
    minLength: 0,
    maxLength: 12,
  });

  it('property: a problem names only migrations that exist on one side, and every migration is accounted for', () => {
    fc.assert(
      fc.property(
        names,
        fc.func(fc.constantFrom('applied', 'missing', 'failed', 'edited')),
        names,
        (shipped, fate, extra) => {
          const migrations = shipped.map((name) => local(name));
          const rows: AppliedMigrationRow[] = [];
          const expected = {
            unapplied: new Set<string>(),
            failed: new Set<string>(),
            edited: new Set<string>(),
            unknown: new Set<string>(),
          };
          for (const migration of migrations) {
            const outcome = fate(migration.name);
            if (outcome === 'applied') rows.push(applied(migration));
            if (outcome === 'missing') expected.unapplied.add(migration.name);
            if (outcome === 'failed') {
              rows.push(applied(migration, { finishedAt: null }));
              expected.failed.add(migration.name);
            }
            if (outcome === 'edited') {
              rows.push(applied(migration, { checksum: checksumOf('something else') }));
              expected.edited.add(migration.name);
            }
          }
          for (const name of extra.filter((n) => !shipped.includes(n))) {
            rows.push(applied(local(name)));
            expected.unknown.add(name);
          }
          const problems = compareMigrationHistory(migrations, rows, checksumOf);
          for (const kind of ['unapplied', 'failed', 'edited', 'unknown'] as const) {
            const found = problems.find((problem) => problem.kind === kind)?.migrations ?? [];
            expect(new Set(found)).toEqual(expected[kind]);
          }
          expect(problems.length === 0).toBe(Object.values(expected).every((set) => set.size === 0));
        },
      ),
    );
  });
});
