import { escalationMessage, type ActionItemLine } from '../slack/blocks/action-items';
import { isUniqueViolation } from './errors';
import { deliverOnce, post, type DeliveryDeps } from './reminder-delivery';

export interface EscalationDeps extends DeliveryDeps {
  /** Slack user id → manager's user id (configured). */
  managers: Record<string, string>;
  teamChannel?: string;
}

/**
 * Tells the manager (configured, else the one stored on the item, else the incident lead) and the
 * team channel that an item's owner let `overdue` reminders go unanswered: once per message and
 * slot, and one timeline event per due date.
 */
export async function escalateActionItem(
  deps: EscalationDeps,
  item: {
    id: string;
    incidentId: string;
    title: string;
    ownerId: string;
    managerId: string | null;
    leadId: string | null;
    reminderEpoch: number;
  },
  line: ActionItemLine,
  slot: string,
  overdue: number,
): Promise<void> {
  const manager = deps.managers[item.ownerId] ?? item.managerId ?? item.leadId ?? undefined;
  const message = escalationMessage(line, overdue);
  if (manager && manager !== item.ownerId) {
    await deliverOnce(deps, { actionItemId: item.id, slot, recipient: 'MANAGER', recipientId: manager }, () =>
      post(deps.slack, manager, message),
    );
  }
  const channel = deps.teamChannel;
  if (channel) {
    await deliverOnce(
      deps,
      { actionItemId: item.id, slot, recipient: 'TEAM_CHANNEL', recipientId: channel },
      () => post(deps.slack, channel, message),
    );
  }
  const at = deps.now();
  const first = await deps.prisma.actionItem.updateMany({
    where: { id: item.id, reminderEpoch: item.reminderEpoch, escalatedAt: null },
    data: { escalatedAt: at },
  });
  if (first.count === 1) {
    await deps.prisma.timelineEvent
      .create({
        data: {
          incidentId: item.incidentId,
          kind: 'action_item_escalated',
          text: `Action item overdue after ${overdue} reminders, escalated: ${item.title}`,
          data: { actionItemId: item.id, managerId: manager ?? null, teamChannel: channel ?? null },
          idempotencyKey: `action-item-escalated:${item.id}:${slot}`,
          occurredAt: at,
        },
      })
      .catch((error: unknown) => {
        if (!isUniqueViolation(error)) throw error;
      });
  }
}
