import type { Logger } from 'pino';
import type { Pool } from 'pg';
import type { PrismaClient } from '../db/prisma';
import type { OutboxTopic } from '../jobs/outbox-topics';
import type { KnownComponents } from './known-components';

/** What Slack listeners need: validate, call a service, reply. */
export interface ListenerDeps {
  prisma: PrismaClient;
  /** Prisma's own pool, for the one insert made before a modal submission's ack (queueSubmission). */
  pool: Pick<Pool, 'query'>;
  logger: Logger;
  components: KnownComponents;
  /** Hands committed outbox rows to the queue right away (the relay's sweep is the safety net). */
  enqueueOutbox: (outboxIds: string[]) => void;
  /** Hands a submission stored by queueSubmission to its queue, without touching its row again. */
  offerSubmission: (row: { id: string; topic: OutboxTopic }) => void;
  /** Reaction that adds a message to the timeline, without colons (e.g. `pushpin`). */
  timelineReaction: string;
  now: () => Date;
  /** The public status page: links in replies and the time zone reports are written in. */
  statusPage?: { url: string; timeZone: string };
}
