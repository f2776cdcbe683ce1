import type { Pool } from 'pg';
import { outboxIdFor, type OutboxDraft, type OutboxTopic } from '../jobs/outbox-topics';

/**
 * How long the relay's sweep leaves a stored submission to the process that stored it. That process
 * hands it to its queue right after the ack; the sweep only picks it up if that never happened (the
 * process died, Redis was down), so the row needs no second write to say it was handed over.
 */
export const SUBMISSION_HANDOVER_MS = 10_000;

/**
 * Stores a validated Slack submission as an outbox row, the one write made before the ack: a
 * single insert keeps the ack fast under load, and once it is committed the submission cannot be
 * lost, whatever happens to this process. A job carries it out. `key` identifies the submission
 * (its view id), so a repeated delivery inserts nothing and the same job id is offered again.
 * Straight to pg, not through Prisma: on this path Prisma's client cost more CPU than the insert
 * itself (about half a millisecond per request, measured with a CPU profile of the web process).
 */
export async function queueSubmission(
  pool: Pick<Pool, 'query'>,
  draft: OutboxDraft,
  key: string,
): Promise<{ id: string; topic: OutboxTopic }> {
  const id = outboxIdFor(key);
  await pool.query(
    `INSERT INTO "OutboxMessage" (id, topic, "aggregateId", payload, "availableAt")
     VALUES ($1::uuid, $2, $3, $4::jsonb, now() + $5 * interval '1 millisecond')
     ON CONFLICT (id) DO NOTHING`,
    [id, draft.topic, draft.aggregateId, JSON.stringify(draft.payload), SUBMISSION_HANDOVER_MS],
  );
  return { id, topic: draft.topic };
}
