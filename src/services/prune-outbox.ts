import type { PrismaClient } from '../db/prisma';

export const OUTBOX_RETENTION_DAYS = 7;

/**
 * Deletes outbox rows that were published more than `retentionDays` ago. Pending and failed
 * rows are never touched: they are work still owed, or evidence of a problem.
 */
export async function pruneOutbox(
  prisma: Pick<PrismaClient, 'outboxMessage'>,
  now: Date,
  retentionDays = OUTBOX_RETENTION_DAYS,
): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionDays * 24 * 60 * 60 * 1000);
  const { count } = await prisma.outboxMessage.deleteMany({
    where: { status: 'DONE', processedAt: { lt: cutoff } },
  });
  return count;
}
