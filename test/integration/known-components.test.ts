import type { PrismaClient } from '../../src/db/prisma';
import { knownComponents } from '../../src/slack/known-components';
import { migratedPrismaDatabase, type PrismaDatabase } from '../support/prisma-database';

describe('knownComponents (real PostgreSQL)', () => {
  let prisma: PrismaClient;
  let database: PrismaDatabase;

  beforeAll(async () => {
    database = await migratedPrismaDatabase('known_components');
    ({ prisma } = database);
  });
  afterAll(async () => database.close());

  it('serves from its cache, but looks again for an id it does not know before refusing it', async () => {
    const first = await prisma.component.create({ data: { name: 'Prod Eu1' } });
    let clock = 0;
    const known = knownComponents(prisma, () => clock);
    expect([...(await known.idsCovering([first.id]))]).toEqual([first.id]);

    // Added by another process's boot: unknown to the cache, found on the second look.
    const added = await prisma.component.create({ data: { name: 'Prod 2' } });
    expect((await known.idsCovering([])).has(added.id)).toBe(false);
    expect((await known.idsCovering([added.id])).has(added.id)).toBe(true);

    // Removed: still cached for a while, gone once the cache is stale.
    await prisma.component.delete({ where: { id: first.id } });
    expect((await known.idsCovering([])).has(first.id)).toBe(true);
    clock += 10_001;
    expect((await known.idsCovering([])).has(first.id)).toBe(false);
    expect((await known.idsCovering(['00000000-0000-4000-8000-000000000000'])).size).toBe(1);
  });

  it('asks the database once when many submissions find the cache stale at the same moment', async () => {
    const component = await prisma.component.create({ data: { name: 'Prod 3' } });
    let queries = 0;
    const counting = {
      component: {
        findMany: (args: Parameters<PrismaClient['component']['findMany']>[0]) => {
          queries += 1;
          return prisma.component.findMany(args);
        },
      },
    } as unknown as PrismaClient;
    const known = knownComponents(counting, () => 0);
    const answers = await Promise.all(Array.from({ length: 50 }, () => known.idsCovering([component.id])));
    expect(answers.every((ids) => ids.has(component.id))).toBe(true);
    expect(queries).toBe(1);
  });
});
