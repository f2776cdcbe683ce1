import type { PrismaClient } from '../db/prisma';
import type { Prisma } from '../generated/prisma/client';
import { outboxIdFor, type OutboxDraft } from '../jobs/outbox-topics';

/**
 * Stores a validated Slack submission as an outbox row, the one write made before the ack: a
 * single insert keeps the ack fast under load, and once it is committed the submission cannot be
 * lost, whatever happens to this process. A job carries it out. `key` identifies the submission
 * (its view id), so a repeated delivery inserts nothing and the same job id is offered again.
 */
export async function queueSubmission(
  prisma: PrismaClient,
  draft: OutboxDraft,
  key: string,
): Promise<string> {
  const id = outboxIdFor(key);
  await prisma.outboxMessage.createMany({
    data: [
      {
        id,
        topic: draft.topic,
        aggregateId: draft.aggregateId,
        payload: draft.payload as Prisma.InputJsonValue,
      },
    ],
    skipDuplicates: true,
  });
  return id;
}
