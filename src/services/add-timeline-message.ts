import type { PrismaClient } from '../db/prisma';
import type { TimelineEvent } from '../generated/prisma/client';
import { isUniqueViolation } from './errors';

export interface TimelineMessageInput {
  incidentId: string;
  actorId: string;
  /** Who wrote the message (may differ from who added it). */
  authorId: string | null;
  text: string;
  channelId: string;
  messageTs: string;
  at: Date;
}

/**
 * Adds a Slack message to the timeline. A message appears there once, however often it is
 * added (shortcut twice, reaction plus shortcut, Slack retrying the event).
 */
export async function addTimelineMessage(
  prisma: PrismaClient,
  input: TimelineMessageInput,
): Promise<{ event: TimelineEvent; created: boolean }> {
  const idempotencyKey = `message:${input.channelId}:${input.messageTs}`;
  const existing = await prisma.timelineEvent.findUnique({ where: { idempotencyKey } });
  if (existing) return { event: existing, created: false };
  try {
    const event = await prisma.timelineEvent.create({
      data: {
        incidentId: input.incidentId,
        kind: 'message_added',
        actorId: input.actorId,
        text: input.text,
        data: { authorId: input.authorId },
        slackChannelId: input.channelId,
        slackMessageTs: input.messageTs,
        idempotencyKey,
        // The timeline orders by when it was said, not when someone pinned it.
        occurredAt: slackTsToDate(input.messageTs) ?? input.at,
      },
    });
    return { event, created: true };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return {
      event: await prisma.timelineEvent.findUniqueOrThrow({ where: { idempotencyKey } }),
      created: false,
    };
  }
}

export function slackTsToDate(ts: string): Date | undefined {
  const seconds = Number(ts);
  return Number.isFinite(seconds) && seconds > 0 ? new Date(Math.round(seconds * 1000)) : undefined;
}
