import type { PrismaClient } from '../db/prisma';
import type { ActionItem } from '../generated/prisma/client';
import { recordActionItemChange } from './action-item-changes';
import { isUniqueViolation } from './errors';

export type ActionItemPriorityName = 'high' | 'medium' | 'low';

export interface AddActionItemInput {
  incidentId: string;
  title: string; // already validated, <= 250 chars
  ownerId: string; // Slack user id
  dueAt: Date | null; // UTC
  priority: ActionItemPriorityName;
  createdById: string;
  postmortemId?: string;
  idempotencyKey?: string; // e.g. `view:<viewId>:<n>`; a retry creates nothing twice
  at: Date;
}

const PRIORITY = { high: 'HIGH', medium: 'MEDIUM', low: 'LOW' } as const;

/**
 * Stores an action item in one transaction: the item, a timeline entry on its incident and the
 * outbox row that schedules its reminders. Callers hand `outboxIds` to the relay after the commit.
 */
export async function addActionItem(
  prisma: PrismaClient,
  input: AddActionItemInput,
): Promise<{ actionItem: ActionItem; created: boolean; outboxIds: string[] }> {
  const key = input.idempotencyKey;
  if (key) {
    const existing = await prisma.actionItem.findUnique({ where: { idempotencyKey: key } });
    if (existing) return { actionItem: existing, created: false, outboxIds: [] };
  }
  try {
    return await prisma.$transaction(async (tx) => {
      const position = await tx.actionItem.count({ where: { incidentId: input.incidentId } });
      const actionItem = await tx.actionItem.create({
        data: {
          incidentId: input.incidentId,
          postmortemId: input.postmortemId ?? null,
          title: input.title,
          ownerId: input.ownerId,
          dueAt: input.dueAt,
          priority: PRIORITY[input.priority],
          createdById: input.createdById,
          idempotencyKey: key ?? null,
          position,
          createdAt: input.at,
        },
      });
      const outboxId = await recordActionItemChange(tx, {
        actionItemId: actionItem.id,
        incidentId: input.incidentId,
        kind: 'action_item_added',
        actorId: input.createdById,
        text: `Action item added: ${input.title}`,
        data: {
          actionItemId: actionItem.id,
          ownerId: input.ownerId,
          dueAt: input.dueAt?.toISOString() ?? null,
          priority: input.priority,
        },
        at: input.at,
      });
      return { actionItem, created: true, outboxIds: [outboxId] };
    });
  } catch (error) {
    if (!key || !isUniqueViolation(error)) throw error;
    const winner = await prisma.actionItem.findUniqueOrThrow({ where: { idempotencyKey: key } });
    return { actionItem: winner, created: false, outboxIds: [] };
  }
}
