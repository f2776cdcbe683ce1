import type { WebClient } from '@slack/web-api';
import type { PrismaClient } from '../db/prisma';
import { shouldEscalate, type ReminderKind } from '../domain/reminder-schedule';
import { Prisma, type ReminderRecipient } from '../generated/prisma/client';
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

/** What a reminder needs about its item, read in one query (this is the hot path of a 9:00 burst). */
export interface ReminderTarget {
  id: string;
  incidentId: string;
  incidentNumber: number;
  leadId: string | null;
  title: string;
  ownerId: string;
  managerId: string | null;
  dueAt: Date | null;
  priority: 'HIGH' | 'MEDIUM' | 'LOW';
  state: string;
  snoozedUntil: Date | null;
  reminderEpoch: number;
  nextReminderSlot: number | null;
  overdueReminders: number;
  escalatedAt: Date | null;
}

async function loadTarget(prisma: PrismaClient, id: string): Promise<ReminderTarget | undefined> {
  const rows = await prisma.$queryRaw<ReminderTarget[]>(Prisma.sql`
    SELECT a.id, a."incidentId", i.number AS "incidentNumber",
           (SELECT r."userId" FROM "IncidentRole" r WHERE r."incidentId" = i.id AND r.role = 'lead') AS "leadId",
           a.title, a."ownerId", a."managerId", a."dueAt", a.priority::text AS priority, a.state::text AS state,
           a."snoozedUntil", a."reminderEpoch", a."nextReminderSlot", a."overdueReminders", a."escalatedAt"
    FROM "ActionItem" a JOIN "Incident" i ON i.id = a."incidentId"
    WHERE a.id = ${id}::uuid`);
  return rows[0];
}

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
  /** Counts an overdue reminder to the owner in the same statement that records it. */
  countsAsOverdue = false,
): Promise<boolean> {
  const claimed = await deps.prisma.$queryRaw<{ id: string }[]>(Prisma.sql`
    INSERT INTO "ActionItemReminder" (id, "actionItemId", recipient, "recipientId", slot, "sentAt")
    VALUES (gen_random_uuid(), ${claim.actionItemId}::uuid, ${claim.recipient}::"ReminderRecipient",
            ${claim.recipientId}, ${claim.slot}, ${deps.now()})
    ON CONFLICT ("actionItemId", slot, recipient) DO NOTHING
    RETURNING id`);
  const rowId = claimed[0]?.id;
  if (!rowId) return false;
  let posted: { channel: string; ts: string };
  try {
    posted = await send();
  } catch (error) {
    await deps.prisma.actionItemReminder.delete({ where: { id: rowId } }).catch(() => undefined);
    throw error;
  }
  await deps.prisma.$executeRaw(Prisma.sql`
    WITH counted AS (
      UPDATE "ActionItem" SET "overdueReminders" = "overdueReminders" + 1
      WHERE ${countsAsOverdue}::boolean AND id = ${claim.actionItemId}::uuid
    )
    UPDATE "ActionItemReminder" SET "slackChannelId" = ${posted.channel}, "slackMessageTs" = ${posted.ts}
    WHERE id = ${rowId}::uuid`);
  return true;
}

async function post(deps: SendReminderDeps, channel: string, message: { text: string; blocks: object[] }) {
  const result = await deps.slack.chat.postMessage({ channel, ...message });
  return { channel: result.channel ?? channel, ts: result.ts ?? '' };
}

async function escalate(
  deps: SendReminderDeps,
  item: ReminderTarget,
  line: ActionItemLine,
  slot: string,
  overdue: number,
) {
  const manager = deps.managers[item.ownerId] ?? item.managerId ?? item.leadId ?? undefined;
  const message = escalationMessage(line, overdue);
  if (manager && manager !== item.ownerId) {
    await deliverOnce(deps, { actionItemId: item.id, slot, recipient: 'MANAGER', recipientId: manager }, () =>
      post(deps, manager, message),
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

/**
 * Carries out one reminder job. The item is read again first: a job for a finished, changed or
 * re-planned item sends nothing. Escalates to the manager (configured, else the one stored on the
 * item, else the incident lead) and the team channel once enough overdue reminders went unanswered.
 */
export async function sendActionItemReminder(
  deps: SendReminderDeps,
  job: ReminderJobData,
): Promise<{ result: ReminderOutcome; item?: ReminderTarget }> {
  const item = await loadTarget(deps.prisma, job.actionItemId);
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
    incidentKey: `INC-${item.incidentNumber}`,
  };
  const sent = await deliverOnce(
    deps,
    { actionItemId: item.id, slot, recipient: 'OWNER', recipientId: item.ownerId },
    () => post(deps, item.ownerId, reminderMessage(line, kind, job.slot - 1)),
    kind === 'overdue',
  );
  const overdue = item.overdueReminders + (sent && kind === 'overdue' ? 1 : 0);
  if (kind === 'overdue' && shouldEscalate(overdue, deps.escalateAfter, item.escalatedAt !== null)) {
    await escalate(deps, item, line, slot, overdue);
  }
  return { result: sent ? 'sent' : 'already-sent', item };
}
