import type { Prisma } from '../generated/prisma/client';
import { outboxDraft } from '../jobs/outbox-topics';

type Tx = Prisma.TransactionClient;

export type ActionItemEventKind =
  | 'action_item_added'
  | 'action_item_done'
  | 'action_item_snoozed'
  | 'action_item_changed'
  | 'action_item_reopened';

/**
 * Inside the caller's transaction: the timeline entry on the item's incident and the outbox row
 * that makes a worker re-plan (or cancel) the item's reminders. Returns the outbox row id.
 */
export async function recordActionItemChange(
  tx: Tx,
  change: {
    actionItemId: string;
    incidentId: string;
    kind: ActionItemEventKind;
    actorId: string | null;
    text: string;
    data: Prisma.InputJsonValue;
    at: Date;
  },
): Promise<string> {
  await tx.timelineEvent.create({
    data: {
      incidentId: change.incidentId,
      kind: change.kind,
      actorId: change.actorId,
      text: change.text,
      data: change.data,
      occurredAt: change.at,
    },
  });
  const draft = outboxDraft('action_item.reminders', change.actionItemId, {
    v: 1,
    actionItemId: change.actionItemId,
  });
  return (await tx.outboxMessage.create({ data: draft, select: { id: true } })).id;
}
