import type { Pool } from 'pg';
import { createPool, openPool } from '../../src/db/pool';
import { createTestDatabase, type TestDatabase } from '../support/database';

describe('openPool', () => {
  let db: TestDatabase;
  const pools: Pool[] = [];
  beforeAll(async () => {
    db = await createTestDatabase('pool');
  });
  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.end()));
    await db.drop();
  });

  function pool(applicationName: string, max: number, min: number, database = db.url): Pool {
    const url = new URL(database);
    url.searchParams.set('application_name', applicationName);
    const created = createPool(url.toString(), max, min);
    pools.push(created);
    return created;
  }

  async function connectionsOf(applicationName: string): Promise<number> {
    const [row] = await db.query<{ count: string }>(
      'SELECT count(*) FROM pg_stat_activity WHERE application_name = $1',
      [applicationName],
    );
    return Number(row!.count);
  }

  it('opens the pool’s minimum at once, and nothing more when called again', async () => {
    const warm = pool('sitrep-pool-test-warm', 5, 3);
    expect(await connectionsOf('sitrep-pool-test-warm')).toBe(0);
    expect(await openPool(warm)).toBe(3);
    expect(await connectionsOf('sitrep-pool-test-warm')).toBe(3);
    expect(warm.idleCount).toBe(3);
    expect(await openPool(warm)).toBe(0);
    expect(await connectionsOf('sitrep-pool-test-warm')).toBe(3);
  });

  it('tops up a pool that already has a connection open', async () => {
    const partly = pool('sitrep-pool-test-partly', 5, 4);
    await partly.query('SELECT 1');
    expect(await openPool(partly)).toBe(3);
    expect(await connectionsOf('sitrep-pool-test-partly')).toBe(4);
  });

  it('opens nothing for a minimum of 0', async () => {
    const lazy = pool('sitrep-pool-test-lazy', 5, 0);
    expect(await openPool(lazy)).toBe(0);
    expect(await connectionsOf('sitrep-pool-test-lazy')).toBe(0);
  });

  it('reports why it could not open the connections', async () => {
    const missing = pool('sitrep-pool-test-missing', 5, 2, db.url.replace(db.name, `${db.name}_missing`));
    await expect(openPool(missing)).rejects.toThrow(/does not exist/);
  });
});
