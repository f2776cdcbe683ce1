import { readLocalMigrations } from '../../src/db/migrations-directory';
import {
  createTestDatabase,
  deleteRedisPrefix,
  uniqueRedisPrefix,
  type TestDatabase,
} from '../support/database';
import { spawnSitrep, waitFor } from '../support/process';

jest.setTimeout(60000);

describe('the sitrep process', () => {
  it('refuses to start on bad configuration, naming every bad variable, with no stack trace', async () => {
    const proc = spawnSitrep(['all'], {
      PORT: 'eighty',
      DATABASE_URL: 'mysql://db/sitrep',
      SLACK_BOT_TOKEN: 'xoxb-only-a-token',
    });
    const { code } = await proc.exit;
    const stderr = proc.stderr.join('');
    expect(code).toBe(78);
    expect(stderr).toContain('Sitrep cannot start. Invalid configuration:');
    expect(stderr).toMatch(/- DATABASE_URL: expected a PostgreSQL URL/);
    expect(stderr).toMatch(/- PORT: expected a port number from 0 to 65535; got "eighty"/);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(proc.stdout).toEqual([]);
  });

  it('rejects an unknown role argument', async () => {
    const proc = spawnSitrep(['janitor'], {});
    expect((await proc.exit).code).toBe(78);
    expect(proc.stderr.join('')).toContain(
      'role argument: expected one of web, worker, all, migrate; got "janitor"',
    );
  });

  describe('against an empty database', () => {
    let db: TestDatabase;
    beforeEach(async () => {
      db = await createTestDatabase('process', { create: false });
    });
    afterEach(async () => db.drop());

    it('`migrate` applies the migrations and exits 0', async () => {
      const proc = spawnSitrep(['migrate'], { DATABASE_URL: db.url });
      expect(await proc.exit).toEqual({ code: 0, signal: null });
      const done = proc.stdout
        .map((line) => JSON.parse(line))
        .find((entry) => entry.event === 'migrate_done');
      expect(done.applied).toEqual(readLocalMigrations().map((m) => m.name));
    });

    it('several processes booting at once migrate exactly once, all become ready, and all stop cleanly on SIGTERM', async () => {
      const prefix = uniqueRedisPrefix('process');
      const roles = ['web', 'web', 'worker', 'all'];
      const procs = roles.map((role) => spawnSitrep([role], { DATABASE_URL: db.url, REDIS_PREFIX: prefix }));
      try {
        const ports = await Promise.all(procs.map((proc) => proc.port));
        await Promise.all(
          ports.map((port) =>
            waitFor(
              async () =>
                (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200 ? true : undefined,
              30000,
              `/readyz on ${port}`,
            ),
          ),
        );
        const rows = await db.query<{ migration_name: string; n: string }>(
          'SELECT migration_name, count(*) AS n FROM _prisma_migrations GROUP BY migration_name ORDER BY 1',
        );
        expect(rows.map((r) => [r.migration_name, Number(r.n)])).toEqual(
          readLocalMigrations().map((m) => [m.name, 1]),
        );

        const stopStarted = Date.now();
        for (const proc of procs) proc.child.kill('SIGTERM');
        const exits = await Promise.all(procs.map((proc) => proc.exit));
        expect(Date.now() - stopStarted).toBeLessThan(10000);
        expect(exits).toEqual(roles.map(() => ({ code: 0, signal: null })));
        for (const proc of procs) {
          const events = proc.stdout.map((line) => JSON.parse(line).event);
          expect(events).toEqual(expect.arrayContaining(['stopping', 'stopped']));
        }
      } finally {
        for (const proc of procs) if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
        await deleteRedisPrefix(prefix);
      }
    });
  });

  it('shuts down cleanly on a SIGTERM that arrives while it is still booting', async () => {
    const db = await createTestDatabase('process_early', { create: false });
    const prefix = uniqueRedisPrefix('early');
    try {
      const proc = spawnSitrep(['all'], { DATABASE_URL: db.url, REDIS_PREFIX: prefix });
      // The first log line comes before the HTTP server and long before migrations are done.
      await waitFor(async () => (proc.stdout.length > 0 ? true : undefined), 20000, 'first log line');
      proc.child.kill('SIGTERM');
      expect(await proc.exit).toEqual({ code: 0, signal: null });
      const events = proc.stdout.map((line) => JSON.parse(line).event);
      expect(events).toEqual(expect.arrayContaining(['stopping', 'stopped']));
    } finally {
      await db.drop();
      await deleteRedisPrefix(prefix);
    }
  });
});
