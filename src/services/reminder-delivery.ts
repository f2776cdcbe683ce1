import type { WebClient } from '@slack/web-api';
import type { PrismaClient } from '../db/prisma';
import { Prisma, type ReminderRecipient } from '../generated/prisma/client';
import type { ActionItemLine } from '../slack/blocks/action-items';
import { posterFor } from '../slack/message-poster';

/** How long a claimed but unrecorded reminder counts as in flight (see inFlightRecheckMs). */
export const CLAIM_LEASE_MS = 5 * 60_000;

export interface DeliveryDeps {
  prisma: PrismaClient;
  slack: WebClient;
  now: () => Date;
}

/** The state of a slot's claim row: recorded (Slack answered) and its age in database time. */
export interface ClaimState {
  recorded: boolean;
  ageMs: number;
}

/** SQL for the claim state of a row alias `r` (for `SELECT … FROM "ActionItemReminder" r`). */
export const CLAIM_STATE_SQL = Prisma.sql`r."slackMessageTs" IS NOT NULL AS recorded,
  (extract(epoch FROM (LOCALTIMESTAMP - r."claimedAt")) * 1000)::float8 AS "ageMs"`;

export type Delivery = { sent: true } | { sent: false; claim: ClaimState };

export async function post(
  slack: WebClient,
  channel: string,
  message: { text: string; blocks: object[] },
): Promise<{ channel: string; ts: string }> {
  return posterFor(slack).postMessage({ channel, ...message });
}

/** A reminder's item as the message blocks show it. */
export function reminderLine(
  item: Omit<ActionItemLine, 'incidentKey' | 'hidden'> & { incidentNumber: number },
): ActionItemLine {
  return {
    id: item.id,
    title: item.title,
    ownerId: item.ownerId,
    dueAt: item.dueAt,
    priority: item.priority,
    state: item.state,
    incidentKey: `INC-${item.incidentNumber}`,
  };
}

type Claim = { actionItemId: string; slot: string; recipient: ReminderRecipient; recipientId: string };

/**
 * Claims a slot's message to one recipient: the row (unique per item, slot and recipient) comes
 * before Slack is called. Gives the row id, or how the existing claim stands (another sender may be
 * mid-call) when the slot was claimed already.
 */
export async function claimSlot(
  deps: DeliveryDeps,
  claim: Claim,
): Promise<{ rowId: string } | { rowId?: undefined; claim: ClaimState }> {
  const claimed = await deps.prisma.$queryRaw<{ id: string }[]>(Prisma.sql`
    INSERT INTO "ActionItemReminder" (id, "actionItemId", recipient, "recipientId", slot, "sentAt")
    VALUES (gen_random_uuid(), ${claim.actionItemId}::uuid, ${claim.recipient}::"ReminderRecipient",
            ${claim.recipientId}, ${claim.slot}, ${deps.now()})
    ON CONFLICT ("actionItemId", slot, recipient) DO NOTHING
    RETURNING id`);
  const rowId = claimed[0]?.id;
  if (rowId) return { rowId };
  // A new statement: its snapshot sees the row the insert conflicted with.
  const [state] = await deps.prisma.$queryRaw<ClaimState[]>(Prisma.sql`
    SELECT ${CLAIM_STATE_SQL} FROM "ActionItemReminder" r
    WHERE r."actionItemId" = ${claim.actionItemId}::uuid AND r.slot = ${claim.slot}
      AND r.recipient = ${claim.recipient}::"ReminderRecipient"`);
  // Released between the two statements (its send failed): in flight, so the caller looks again.
  return { claim: state ?? { recorded: false, ageMs: 0 } };
}

/**
 * Sends the message of a claimed row and records Slack's answer on it; a failed call releases the
 * claim. A process that dies between Slack's answer and the record leaves the claim in place: that
 * message is not repeated.
 */
export async function sendClaimed(
  deps: DeliveryDeps,
  claim: { rowId: string; actionItemId: string },
  send: () => Promise<{ channel: string; ts: string }>,
  /** Counts an overdue reminder to the owner in the same statement that records it. */
  countsAsOverdue = false,
): Promise<void> {
  let posted: { channel: string; ts: string };
  try {
    posted = await send();
  } catch (error) {
    await deps.prisma.actionItemReminder.delete({ where: { id: claim.rowId } }).catch(() => undefined);
    throw error;
  }
  await deps.prisma.$executeRaw(Prisma.sql`
    WITH counted AS (
      UPDATE "ActionItem" SET "overdueReminders" = "overdueReminders" + 1
      WHERE ${countsAsOverdue}::boolean AND id = ${claim.actionItemId}::uuid
    )
    UPDATE "ActionItemReminder" SET "slackChannelId" = ${posted.channel}, "slackMessageTs" = ${posted.ts}
    WHERE id = ${claim.rowId}::uuid`);
}

/** Sends one message for a slot to one recipient at most once (claimSlot, then sendClaimed). */
export async function deliverOnce(
  deps: DeliveryDeps,
  claim: Claim,
  send: () => Promise<{ channel: string; ts: string }>,
  countsAsOverdue = false,
): Promise<Delivery> {
  const claimed = await claimSlot(deps, claim);
  if (claimed.rowId === undefined) return { sent: false, claim: claimed.claim };
  await sendClaimed(deps, { rowId: claimed.rowId, actionItemId: claim.actionItemId }, send, countsAsOverdue);
  return { sent: true };
}
