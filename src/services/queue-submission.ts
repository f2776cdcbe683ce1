import type { PrismaClient } from '../db/prisma';
import { outboxIdFor, type OutboxDraft } from '../jobs/outbox-topics';

/**
 * Stores a validated Slack submission as an outbox row, the one write made before the ack: a
 * single insert keeps the ack fast under load, and once it is committed the submission cannot be
 * lost, whatever happens to this process. A job carries it out. `key` identifies the submission
 * (its view id), so a repeated delivery inserts nothing and the same job id is offered again.
 * Raw SQL: on this path Prisma's query building cost more CPU than the insert itself.
 */
export async function queueSubmission(
  prisma: PrismaClient,
  draft: OutboxDraft,
  key: string,
): Promise<string> {
  const id = outboxIdFor(key);
  await prisma.$executeRaw`
    INSERT INTO "OutboxMessage" (id, topic, "aggregateId", payload)
    VALUES (${id}::uuid, ${draft.topic}, ${draft.aggregateId}, ${JSON.stringify(draft.payload)}::jsonb)
    ON CONFLICT (id) DO NOTHING`;
  return id;
}
