/**
 * PLACEHOLDER, replaced on merge: the action items helper writes the real service (with
 * reminders and their outbox rows) under this same path and signature. This minimal version only
 * stores the item and its timeline entry, so the postmortem modal can create action items.
 */
import type { PrismaClient } from '../db/prisma';
import type { ActionItem } from '../generated/prisma/client';
import { isUniqueViolation } from './errors';

export interface AddActionItemInput {
  incidentId: string;
  title: string;
  ownerId: string;
  dueAt: Date | null;
  priority: 'high' | 'medium' | 'low';
  createdById: string;
  postmortemId?: string;
  idempotencyKey?: string;
  at: Date;
}

export async function addActionItem(
  prisma: PrismaClient,
  input: AddActionItemInput,
): Promise<{ actionItem: ActionItem; created: boolean; outboxIds: string[] }> {
  const existing = async () =>
    input.idempotencyKey
      ? prisma.actionItem.findUnique({ where: { idempotencyKey: input.idempotencyKey } })
      : null;
  const done = await existing();
  if (done) return { actionItem: done, created: false, outboxIds: [] };
  try {
    const actionItem = await prisma.$transaction(async (tx) => {
      const position = await tx.actionItem.count({ where: { incidentId: input.incidentId } });
      const item = await tx.actionItem.create({
        data: {
          incidentId: input.incidentId,
          postmortemId: input.postmortemId ?? null,
          title: input.title,
          ownerId: input.ownerId,
          dueAt: input.dueAt,
          priority: input.priority === 'high' ? 'HIGH' : input.priority === 'low' ? 'LOW' : 'MEDIUM',
          createdById: input.createdById,
          idempotencyKey: input.idempotencyKey ?? null,
          position,
          createdAt: input.at,
        },
      });
      await tx.timelineEvent.create({
        data: {
          incidentId: input.incidentId,
          kind: 'action_item_added',
          actorId: input.createdById,
          text: `Action item: ${input.title}`,
          data: { actionItemId: item.id, ownerId: input.ownerId },
          occurredAt: input.at,
        },
      });
      return item;
    });
    return { actionItem, created: true, outboxIds: [] };
  } catch (error) {
    const twin = isUniqueViolation(error) ? await existing() : null;
    if (twin) return { actionItem: twin, created: false, outboxIds: [] };
    throw error;
  }
}
