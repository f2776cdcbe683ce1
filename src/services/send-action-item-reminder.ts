import type { WebClient } from '@slack/web-api';
import { incidentKey, rolesOf } from '../db/incident-mapping';
import type { PrismaClient } from '../db/prisma';
import { shouldEscalate, type ReminderKind } from '../domain/reminder-schedule';
import type { ReminderRecipient } from '../generated/prisma/client';
import { escalationMessage, reminderMessage, type ActionItemLine } from '../slack/blocks/action-items';
import { isUniqueViolation } from './errors';
import { slotKey, type ReminderJobData } from './plan-action-item-reminders';

export interface SendReminderDeps {
  prisma: PrismaClient;
  slack: WebClient;
  now: () => Date;
  escalateAfter: number;
  /** Slack user id → manager's user id (configured). */
  managers: Record<string, string>;
  teamChannel?: string;
}

export type ReminderOutcome = 'sent' | 'stale' | 'already-sent';

const kindOf = (slot: number): ReminderKind => (slot === 0 ? 'before' : slot === 1 ? 'due' : 'overdue');

/**
 * Sends one message for a slot to one recipient at most once: the row (unique per item, slot and
 * recipient) is claimed before Slack is called and released if the call fails. A process that dies
 * between Slack's answer and the record leaves the claim in place: that message is not repeated.
 */
async function deliverOnce(
  deps: SendReminderDeps,
  claim: { actionItemId: string; slot: string; recipient: ReminderRecipient; recipientId: string },
  send: () => Promise<{ channel: string; ts: string }>,
  onSent?: () => Promise<unknown>,
): Promise<boolean> {
  let rowId: string;
  try {
    rowId = (await deps.prisma.actionItemReminder.create({ data: { ...claim, sentAt: deps.now() } })).id;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
  let posted: { channel: string; ts: string };
  try {
    posted = await send();
  } catch (error) {
    await deps.prisma.actionItemReminder.delete({ where: { id: rowId } }).catch(() => undefined);
    throw error;
  }
  await deps.prisma.actionItemReminder.update({
    where: { id: rowId },
    data: { slackChannelId: posted.channel, slackMessageTs: posted.ts },
  });
  await onSent?.();
  return true;
}

async function post(deps: SendReminderDeps, channel: string, message: { text: string; blocks: object[] }) {
  const result = await deps.slack.chat.postMessage({ channel, ...message });
  return { channel: result.channel ?? channel, ts: result.ts ?? '' };
}

/**
 * Carries out one reminder job. The item is read again first: a job for a finished, changed or
 * re-planned item sends nothing. Escalates to the manager (configured, else the one stored on the
 * item, else the incident lead) and the team channel once enough overdue reminders went unanswered.
 */
export async function sendActionItemReminder(
  deps: SendReminderDeps,
  job: ReminderJobData,
): Promise<{ result: ReminderOutcome; ownerId?: string }> {
  const item = await deps.prisma.actionItem.findUnique({
    where: { id: job.actionItemId },
    include: { incident: { include: { roles: true } } },
  });
  const open = item && (item.state === 'OPEN' || item.state === 'IN_PROGRESS');
  if (!item || !open || item.reminderEpoch !== job.epoch || item.nextReminderSlot !== job.slot)
    return { result: 'stale' };
  const kind = kindOf(job.slot);
  const slot = slotKey(job.epoch, job.slot);
  const line: ActionItemLine = {
    id: item.id,
    title: item.title,
    ownerId: item.ownerId,
    dueAt: item.dueAt,
    priority: item.priority,
    state: item.state,
    incidentKey: incidentKey(item.incident),
  };
  const sent = await deliverOnce(
    deps,
    { actionItemId: item.id, slot, recipient: 'OWNER', recipientId: item.ownerId },
    () => post(deps, item.ownerId, reminderMessage(line, kind, job.slot - 1)),
    kind === 'overdue'
      ? () =>
          deps.prisma.actionItem.update({
            where: { id: item.id },
            data: { overdueReminders: { increment: 1 } },
          })
      : undefined,
  );
  const overdue = item.overdueReminders + (sent && kind === 'overdue' ? 1 : 0);
  if (kind === 'overdue' && shouldEscalate(overdue, deps.escalateAfter, item.escalatedAt !== null)) {
    const manager =
      deps.managers[item.ownerId] ?? item.managerId ?? rolesOf(item.incident.roles).lead ?? undefined;
    const message = escalationMessage(line, overdue);
    if (manager && manager !== item.ownerId) {
      await deliverOnce(
        deps,
        { actionItemId: item.id, slot, recipient: 'MANAGER', recipientId: manager },
        () => post(deps, manager, message),
      );
    }
    const channel = deps.teamChannel;
    if (channel) {
      await deliverOnce(
        deps,
        { actionItemId: item.id, slot, recipient: 'TEAM_CHANNEL', recipientId: channel },
        () => post(deps, channel, message),
      );
    }
    const at = deps.now();
    const first = await deps.prisma.actionItem.updateMany({
      where: { id: item.id, reminderEpoch: job.epoch, escalatedAt: null },
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
  return { result: sent ? 'sent' : 'already-sent', ownerId: item.ownerId };
}
