import { migrateDatabase } from '../../src/db/migrate';
import { createPool } from '../../src/db/pool';
import { createPrismaClient, type PrismaClient } from '../../src/db/prisma';
import { createTestDatabase, type TestDatabase } from './database';

export interface PrismaDatabase {
  db: TestDatabase;
  pool: ReturnType<typeof createPool>;
  prisma: PrismaClient;
  close(): Promise<void>;
}

/** A migrated database of the test file's own, with the app's pool and Prisma client on it. */
export async function migratedPrismaDatabase(label: string): Promise<PrismaDatabase> {
  const db = await createTestDatabase(label);
  await migrateDatabase({ databaseUrl: db.url });
  const pool = createPool(db.url);
  const prisma = createPrismaClient(pool);
  return {
    db,
    pool,
    prisma,
    async close() {
      await prisma.$disconnect();
      await pool.end();
      await db.drop();
    },
  };
}
