import { z } from 'zod';

/** Queue names. Contract: changing one orphans jobs already waiting in Redis. */
export const QUEUE_NAMES = {
  maintenance: 'maintenance',
  slack: 'slack-effects',
  /**
   * Work in the shared announcements channel (the announcement, its thread replies): waits for that
   * channel's turn never hold up incident-channel work. Named before announcements moved here.
   */
  slackThreads: 'slack-threads',
  statuspage: 'statuspage',
  /** Separate: Statuspage's one request a second must not hold up our own page. */
  atlassian: 'statuspage-atlassian',
  /** Update modal submissions stored before the ack, applied here one at a time (in order). */
  submissions: 'incident-submissions',
  /** Declare modal submissions: each a new incident, independent of the others, so several at once. */
  declarations: 'incident-declarations',
  /** Periodic check for active incidents without a recent update (job scheduler, no outbox). */
  nudges: 'stale-nudges',
  /** Outbox rows that (re)plan an action item's reminders. */
  actionItems: 'action-items',
  /** Delayed reminder jobs (`reminder-<itemId>-<epoch>-<slot>`) and the weekly digest scheduler. */
  reminders: 'reminders',
} as const;

/** Payload of every outbox job: the row holds the real payload. Contract: add fields, never rename. */
export const outboxJobSchema = z.object({
  outboxId: z.uuid(),
  /** Times the job moved itself to the delayed set to wait (nothing was posted then). */
  waits: z.number().int().min(0).optional(),
});

/**
 * Payload of jobs on the maintenance queue, versioned so a newer worker can still read an
 * older producer's jobs during a rolling deploy.
 */
export const maintenanceJobSchema = z.discriminatedUnion('task', [
  z.object({
    task: z.literal('prune-outbox'),
    version: z.literal(1),
    retentionDays: z.number().int().min(1).max(365),
  }),
]);
export type MaintenanceJob = z.infer<typeof maintenanceJobSchema>;

export const PRUNE_OUTBOX_SCHEDULER_ID = 'prune-outbox-hourly';
