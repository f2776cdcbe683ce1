import { createHash } from 'node:crypto';
import { z } from 'zod';
import { SEVERITIES } from '../domain/severity';
import { STAGES } from '../domain/stages';

const IMPACT_VALUES = ['OPERATIONAL', 'DEGRADED_PERFORMANCE', 'PARTIAL_OUTAGE', 'MAJOR_OUTAGE'] as const;

/** Who submitted a Slack modal, and when: the stored change carries this time, not the job's. */
const submissionBase = {
  v: z.literal(1),
  viewId: z.string().min(1).max(255),
  userId: z.string().min(1).max(40),
  at: z.iso.datetime(),
};

/**
 * Outbox topics and their payloads. Contract: rows written by one build are read by the next
 * during a rolling deploy, so payloads are versioned and only ever gain optional fields.
 */
export const OUTBOX_PAYLOADS = {
  'slack.incident_declared': z.object({
    v: z.literal(1),
    incidentId: z.uuid(),
    /**
     * True when the same transaction decided the announcement (and wrote its own row when one was
     * due); rows written before announcements had their own job lack it and queue the row themselves.
     */
    announcedSeparately: z.literal(true).optional(),
  }),
  /** The post in the shared announcements channel, apart from the declaration so its turn there never holds up the incident channel. */
  'slack.incident_announced': z.object({ v: z.literal(1), incidentId: z.uuid() }),
  'slack.update_posted': z.object({ v: z.literal(1), incidentId: z.uuid(), updateId: z.uuid() }),
  'slack.change_announced': z.object({ v: z.literal(1), incidentId: z.uuid(), timelineEventId: z.uuid() }),
  /** The update's reply under the announcement; separate so a busy announcements channel never holds up the incident channel. */
  'slack.update_threaded': z.object({ v: z.literal(1), incidentId: z.uuid(), updateId: z.uuid() }),
  /** Consumed by the status store publisher (issue 4); written now so no update is missed. */
  'statuspage.publish': z.object({ v: z.literal(1), incidentId: z.uuid(), updateId: z.uuid() }),
  /** The same update sent on to Atlassian Statuspage, when configured; queued by the publish job. */
  'statuspage.atlassian': z.object({ v: z.literal(1), incidentId: z.uuid(), updateId: z.uuid() }),
  /** A validated declare modal, stored before the ack and declared by a job. */
  'incident.declare_requested': z.object({
    ...submissionBase,
    submission: z.object({
      title: z.string().min(1).max(250),
      severity: z.enum(SEVERITIES),
      summary: z.string().max(3000),
      componentIds: z.array(z.uuid()).max(100),
      leadId: z.string().min(1).max(40),
      isPrivate: z.boolean(),
    }),
  }),
  /** A validated update modal, stored before the ack and applied by a job. */
  'incident.update_requested': z.object({
    ...submissionBase,
    incidentId: z.uuid(),
    /** The incident's version when the modal was opened, to explain a rejection. */
    openedAtVersion: z.number().int().min(1),
    /** The incident's stage when the submission was checked; a later move away from it refuses the update. */
    seenStage: z.enum(STAGES).optional(),
    submission: z.object({
      stage: z.enum(STAGES),
      publicMessage: z.string().max(3000),
      internalNote: z.string().max(3000),
      notifySubscribers: z.boolean(),
      componentImpacts: z.array(z.object({ componentId: z.uuid(), impact: z.enum(IMPACT_VALUES) })).max(100),
    }),
  }),
  /** A postmortem was published (version = the postmortem's version then): refresh pages, tell the channel. */
  'statuspage.postmortem': z.object({
    v: z.literal(1),
    incidentId: z.uuid(),
    postmortemId: z.uuid(),
    version: z.number().int(),
  }),
  /** The published postmortem sent on to Atlassian Statuspage; queued by the job above. */
  'statuspage.atlassian_postmortem': z.object({
    v: z.literal(1),
    incidentId: z.uuid(),
    postmortemId: z.uuid(),
    version: z.number().int(),
  }),
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

/**
 * An incident's announcement row. Its id is fixed, so the declaration's transaction and a job
 * repairing an older declaration (see openDeclaredIncident) never queue two.
 */
export function announcementDraft(
  incidentId: string,
): OutboxDraft<'slack.incident_announced'> & { id: string } {
  return {
    id: outboxIdFor(`announcement:${incidentId}`),
    ...outboxDraft('slack.incident_announced', incidentId, { v: 1, incidentId }),
  };
}

/**
 * The outbox id for work identified by a natural key (a Slack view id): a repeated delivery maps
 * to the same row, so inserting it again is a no-op. Formatted as a name-based (v5-style) UUID.
 */
export function outboxIdFor(key: string): string {
  const hex = createHash('sha1').update(`sitrep-outbox:${key}`).digest('hex');
  const variant = ((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}
