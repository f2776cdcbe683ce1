import { z } from 'zod';

/**
 * Outbox topics and their payloads. Contract: rows written by one build are read by the next
 * during a rolling deploy, so payloads are versioned and only ever gain optional fields.
 */
export const OUTBOX_PAYLOADS = {
  'slack.incident_declared': z.object({ v: z.literal(1), incidentId: z.uuid() }),
  'slack.update_posted': z.object({ v: z.literal(1), incidentId: z.uuid(), updateId: z.uuid() }),
  'slack.change_announced': z.object({ v: z.literal(1), incidentId: z.uuid(), timelineEventId: z.uuid() }),
  /** Consumed by the status store publisher (issue 4); written now so no update is missed. */
  'statuspage.publish': z.object({ v: z.literal(1), incidentId: z.uuid(), updateId: z.uuid() }),
  /** The same update sent on to Atlassian Statuspage, when configured; queued by the publish job. */
  'statuspage.atlassian': z.object({ v: z.literal(1), incidentId: z.uuid(), updateId: z.uuid() }),
  /** An action item was created or changed: (re)plan its next reminder job, or cancel it. */
  'action_item.reminders': z.object({ v: z.literal(1), actionItemId: z.uuid() }),
} as const;

export type OutboxTopic = keyof typeof OUTBOX_PAYLOADS;
export type OutboxPayload<T extends OutboxTopic> = z.infer<(typeof OUTBOX_PAYLOADS)[T]>;

export interface OutboxDraft<T extends OutboxTopic = OutboxTopic> {
  topic: T;
  aggregateId: string;
  payload: OutboxPayload<T>;
}

export function outboxDraft<T extends OutboxTopic>(
  topic: T,
  aggregateId: string,
  payload: OutboxPayload<T>,
): OutboxDraft<T> {
  return { topic, aggregateId, payload };
}
