import type { PrismaClient } from '../db/prisma';
import { dueDateText } from '../domain/due-date';
import type { ActionItem } from '../generated/prisma/client';
import { recordActionItemChange } from './action-item-changes';
import type { ActionItemPriorityName } from './add-action-item';

export type ChangeResult =
  { ok: true; actionItem: ActionItem; outboxIds: string[]; changed: boolean } | { ok: false; error: string };

const DAY_MS = 86_400_000;
const PRIORITY = { high: 'HIGH', medium: 'MEDIUM', low: 'LOW' } as const;
const isOpen = (item: ActionItem) => item.state === 'OPEN' || item.state === 'IN_PROGRESS';

async function load(prisma: PrismaClient, id: string) {
  return prisma.actionItem.findUnique({ where: { id } });
}

/** Marks an item done; its reminders stop (the pending job is removed and would stand down anyway). */
export async function completeActionItem(
  prisma: PrismaClient,
  input: { actionItemId: string; actorId: string; at: Date },
): Promise<ChangeResult> {
  const item = await load(prisma, input.actionItemId);
  if (!item) return { ok: false, error: 'This action item no longer exists.' };
  if (!isOpen(item)) return { ok: true, actionItem: item, outboxIds: [], changed: false };
  return prisma.$transaction(async (tx) => {
    const done = await tx.actionItem.updateMany({
      where: { id: item.id, state: item.state },
      data: { state: 'DONE', completedAt: input.at },
    });
    const actionItem = await tx.actionItem.findUniqueOrThrow({ where: { id: item.id } });
    if (done.count === 0) return { ok: true, actionItem, outboxIds: [], changed: false };
    const outboxId = await recordActionItemChange(tx, {
      actionItemId: item.id,
      incidentId: item.incidentId,
      kind: 'action_item_done',
      actorId: input.actorId,
      text: `Action item done: ${item.title}`,
      data: { actionItemId: item.id },
      at: input.at,
    });
    return { ok: true, actionItem, outboxIds: [outboxId], changed: true };
  });
}

/** No reminder for `days` days (moved into the owner's working hours when planned). */
export async function snoozeActionItem(
  prisma: PrismaClient,
  input: { actionItemId: string; actorId: string; days: number; at: Date },
): Promise<ChangeResult> {
  const item = await load(prisma, input.actionItemId);
  if (!item) return { ok: false, error: 'This action item no longer exists.' };
  if (!isOpen(item)) return { ok: false, error: 'This action item is already closed.' };
  const until = new Date(input.at.getTime() + input.days * DAY_MS);
  return prisma.$transaction(async (tx) => {
    const actionItem = await tx.actionItem.update({ where: { id: item.id }, data: { snoozedUntil: until } });
    const outboxId = await recordActionItemChange(tx, {
      actionItemId: item.id,
      incidentId: item.incidentId,
      kind: 'action_item_snoozed',
      actorId: input.actorId,
      text: `Action item snoozed for ${input.days === 1 ? '1 day' : `${input.days} days`}: ${item.title}`,
      data: { actionItemId: item.id, snoozedUntil: until.toISOString() },
      at: input.at,
    });
    return { ok: true, actionItem, outboxIds: [outboxId], changed: true };
  });
}

export interface EditActionItemInput {
  actionItemId: string;
  actorId: string;
  title: string;
  ownerId: string;
  dueAt: Date | null;
  priority: ActionItemPriorityName;
  at: Date;
}

/**
 * Changes title, owner, due date or priority. A new owner or due date starts the reminders over
 * (new epoch: the earlier plan, overdue count and escalation no longer apply).
 */
export async function editActionItem(
  prisma: PrismaClient,
  input: EditActionItemInput,
): Promise<ChangeResult> {
  const item = await load(prisma, input.actionItemId);
  if (!item) return { ok: false, error: 'This action item no longer exists.' };
  const dueChanged = (item.dueAt?.getTime() ?? null) !== (input.dueAt?.getTime() ?? null);
  const ownerChanged = item.ownerId !== input.ownerId;
  const priority = PRIORITY[input.priority];
  const changes: string[] = [];
  if (item.title !== input.title) changes.push('title');
  if (ownerChanged) changes.push('owner');
  if (dueChanged) changes.push(input.dueAt ? `due date ${dueDateText(input.dueAt)}` : 'no due date');
  if (item.priority !== priority) changes.push(`priority ${input.priority}`);
  if (changes.length === 0) return { ok: true, actionItem: item, outboxIds: [], changed: false };
  const restart = dueChanged || ownerChanged;
  return prisma.$transaction(async (tx) => {
    const actionItem = await tx.actionItem.update({
      where: { id: item.id },
      data: {
        title: input.title,
        ownerId: input.ownerId,
        dueAt: input.dueAt,
        priority,
        ...(restart
          ? { reminderEpoch: { increment: 1 }, overdueReminders: 0, escalatedAt: null, snoozedUntil: null }
          : {}),
      },
    });
    const outboxId = await recordActionItemChange(tx, {
      actionItemId: item.id,
      incidentId: item.incidentId,
      kind: 'action_item_changed',
      actorId: input.actorId,
      text: `Action item changed (${changes.join(', ')}): ${input.title}`,
      data: {
        actionItemId: item.id,
        ownerId: input.ownerId,
        previousOwnerId: item.ownerId,
        dueAt: input.dueAt?.toISOString() ?? null,
        previousDueAt: item.dueAt?.toISOString() ?? null,
      },
      at: input.at,
    });
    return { ok: true, actionItem, outboxIds: [outboxId], changed: true };
  });
}
