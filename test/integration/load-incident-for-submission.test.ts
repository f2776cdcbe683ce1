import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../src/db/migrations-directory';
import { createPool } from '../../src/db/pool';
import type { PrismaClient } from '../../src/db/prisma';
import { loadIncidentForSubmission } from '../../src/services/load-incident-for-submission';
import type { TestDatabase } from '../support/database';
import { migratedPrismaDatabase, type PrismaDatabase } from '../support/prisma-database';

describe('loadIncidentForSubmission (real PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: ReturnType<typeof createPool>;
  let prisma: PrismaClient;
  let database: PrismaDatabase;

  beforeAll(async () => {
    database = await migratedPrismaDatabase('load_incident_submission');
    ({ db, pool, prisma } = database);
  });
  afterAll(async () => database.close());

  it('reads what Prisma reads, in one query: times in UTC, roles and component ids', async () => {
    const group = await prisma.componentGroup.create({ data: { name: 'Prod Eu1' } });
    const [sei, api] = await Promise.all(
      ['SEI', 'API'].map((name) => prisma.component.create({ data: { name, groupId: group.id } })),
    );
    const incident = await prisma.incident.create({
      data: {
        title: 'Pages fail to load',
        severity: 'SEV2',
        status: 'IDENTIFIED',
        declaredById: 'U1',
        declaredAt: new Date('2024-03-04T10:15:30.123Z'),
        identifiedAt: new Date('2024-03-04T11:00:00.000Z'),
        version: 3,
        roles: {
          create: [
            { role: 'lead', userId: 'ULEAD' },
            { role: 'comms', userId: 'UCOMMS' },
          ],
        },
        components: {
          create: [
            { componentId: sei!.id, impact: 'MAJOR_OUTAGE' },
            { componentId: api!.id, impact: 'OPERATIONAL' },
          ],
        },
      },
    });

    const loaded = await loadIncidentForSubmission(pool, incident.id);

    expect(loaded).toMatchObject({
      id: incident.id,
      number: incident.number,
      status: 'IDENTIFIED',
      severity: 'SEV2',
      isPrivate: false,
      version: 3,
      monitoringAt: null,
      resolvedAt: null,
    });
    expect(loaded?.declaredAt.toISOString()).toBe('2024-03-04T10:15:30.123Z');
    expect(loaded?.identifiedAt?.toISOString()).toBe('2024-03-04T11:00:00.000Z');
    // The same in a process whose zone is far from UTC: times read as local would be hours off.
    // (A child process: jest's process.env does not reach the process's own zone.)
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `const { Pool } = require('pg');
         const { loadIncidentForSubmission } = require('./src/services/load-incident-for-submission');
         const pool = new Pool({ connectionString: process.env.DATABASE_URL });
         loadIncidentForSubmission(pool, process.env.INCIDENT_ID)
           .then((row) => console.log(JSON.stringify([row.declaredAt, row.identifiedAt])))
           .finally(() => pool.end());`,
      ],
      {
        cwd: PROJECT_ROOT,
        env: { ...process.env, TZ: 'America/New_York', DATABASE_URL: db.url, INCIDENT_ID: incident.id },
      },
    );
    expect(JSON.parse(stdout)).toEqual(['2024-03-04T10:15:30.123Z', '2024-03-04T11:00:00.000Z']);
    expect(loaded?.roles).toEqual(
      expect.arrayContaining([
        { role: 'lead', userId: 'ULEAD' },
        { role: 'comms', userId: 'UCOMMS' },
      ]),
    );
    expect(loaded?.roles).toHaveLength(2);
    expect([...(loaded?.componentIds ?? [])].sort()).toEqual([sei!.id, api!.id].sort());
  });

  it('finds nothing for an unknown id, and an incident without roles or components has empty lists', async () => {
    expect(await loadIncidentForSubmission(pool, '00000000-0000-4000-8000-000000000000')).toBeUndefined();
    const bare = await prisma.incident.create({
      data: { title: 'Bare', severity: 'SEV4', declaredById: 'U1' },
    });
    expect(await loadIncidentForSubmission(pool, bare.id)).toMatchObject({ roles: [], componentIds: [] });
  });
});
