import { reminderKind } from '../domain/reminder-schedule';
import { Prisma } from '../generated/prisma/client';
import { reminderMessage } from '../slack/blocks/action-items';
import { retryAfterMs } from './slack/slack-errors';
import { post, reminderLine, type DeliveryDeps } from './reminder-delivery';

export interface SweepOptions {
  /** Items claimed by one sweep at most (0: no sweeping). */
  size: number;
  /** Slack calls of one sweep at once. */
  inFlight: number;
}

export interface SweepResult {
  claimed: number;
  sent: number;
  /** Claims given back (Slack failed or rate-limited): those items' own jobs send them. */
  released: number;
}

interface SweptItem {
  claimId: string;
  id: string;
  incidentNumber: number;
  title: string;
  ownerId: string;
  dueAt: Date | null;
  priority: 'HIGH' | 'MEDIUM' | 'LOW';
  state: string;
  slot: number;
}

/**
 * Claims, in one statement, the owner reminders of open items whose stored next slot is due by
 * `dueBy` (not snoozed, slot not yet claimed; `except` left to its own job), at most `size` of them,
 * skipping items another sweep has locked, so concurrent sweeps split the set.
 */
async function claimDue(
  deps: DeliveryDeps,
  dueBy: Date,
  except: readonly string[],
  size: number,
): Promise<SweptItem[]> {
  const now = deps.now();
  return deps.prisma.$queryRaw<SweptItem[]>(Prisma.sql`
    WITH due AS (
      SELECT a.id, a."ownerId", a."reminderEpoch"::text || '-' || a."nextReminderSlot"::text AS slot
      FROM "ActionItem" a
      WHERE a.state IN ('OPEN', 'IN_PROGRESS') AND a."nextReminderSlot" IS NOT NULL
        AND a."nextReminderAt" <= ${dueBy} AND a.id <> ALL(${except}::uuid[])
        AND (a."snoozedUntil" IS NULL OR a."snoozedUntil" <= ${now})
        AND NOT EXISTS (
          SELECT 1 FROM "ActionItemReminder" r
          WHERE r."actionItemId" = a.id AND r.recipient = 'OWNER'
            AND r.slot = a."reminderEpoch"::text || '-' || a."nextReminderSlot"::text)
      ORDER BY a."nextReminderAt", a.id
      LIMIT ${size}
      -- NO KEY UPDATE, not UPDATE: an item's own job inserting its claim takes a key-share lock on
      -- the item (the foreign key), which FOR UPDATE blocks while this statement waits on that
      -- job's claim: a deadlock. Concurrent sweeps still skip each other's items.
      FOR NO KEY UPDATE OF a SKIP LOCKED
    ), claimed AS (
      INSERT INTO "ActionItemReminder" (id, "actionItemId", recipient, "recipientId", slot, "sentAt")
      SELECT gen_random_uuid(), due.id, 'OWNER', due."ownerId", due.slot, ${now} FROM due
      ON CONFLICT ("actionItemId", slot, recipient) DO NOTHING
      RETURNING id, "actionItemId"
    )
    SELECT c.id AS "claimId", a.id, i.number AS "incidentNumber", a.title, a."ownerId", a."dueAt",
           a.priority::text AS priority, a.state::text AS state, a."nextReminderSlot" AS slot
    FROM claimed c JOIN "ActionItem" a ON a.id = c."actionItemId" JOIN "Incident" i ON i.id = a."incidentId"`);
}

/**
 * Sends the owner reminders of every item due at the same moment from one job, instead of one job
 * each: one claim statement, up to `inFlight` DMs at once, one statement recording them (and
 * counting overdue ones), one releasing the failed. The swept items' own jobs still run: they find
 * the slot recorded, escalate if due and plan the next slot. A rate limit stops the sweep; what it
 * had not sent is released for those jobs (which honour Retry-After). Never sends a slot twice: the
 * claim row comes first, as for a single reminder.
 */
export async function sweepDueReminders(
  deps: DeliveryDeps,
  options: SweepOptions,
  input: { dueBy: Date; except: string },
): Promise<SweepResult> {
  return (await sweepDue(deps, options, { dueBy: input.dueBy, except: [input.except] })).result;
}

/**
 * sweepDueReminders with what a caller sweeping again needs: the items whose claim it released
 * (to leave out next time, or a permanent Slack error would be claimed again and again) and
 * whether Slack rate-limited it.
 */
export async function sweepDue(
  deps: DeliveryDeps,
  options: SweepOptions,
  input: { dueBy: Date; except: readonly string[] },
): Promise<{ result: SweepResult; releasedItems: string[]; rateLimited: boolean }> {
  if (options.size <= 0)
    return { result: { claimed: 0, sent: 0, released: 0 }, releasedItems: [], rateLimited: false };
  const items = await claimDue(deps, input.dueBy, input.except, options.size);
  const sent: { item: SweptItem; channel: string; ts: string }[] = [];
  const failed: string[] = [];
  const releasedItems: string[] = [];
  let stopped = false;
  let next = 0;
  const lanes = Array.from({ length: Math.min(options.inFlight, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      if (stopped) {
        failed.push(item.claimId);
        releasedItems.push(item.id);
        continue;
      }
      const kind = reminderKind(item.slot);
      try {
        const posted = await post(
          deps.slack,
          item.ownerId,
          reminderMessage(reminderLine(item), kind, item.slot - 1),
        );
        sent.push({ item, ...posted });
      } catch (error) {
        failed.push(item.claimId);
        releasedItems.push(item.id);
        if (retryAfterMs(error) !== undefined) stopped = true;
      }
    }
  });
  await Promise.all(lanes);
  const settled = await Promise.allSettled([
    failed.length > 0
      ? deps.prisma.$executeRaw(
          Prisma.sql`DELETE FROM "ActionItemReminder" WHERE id = ANY(${failed}::uuid[])`,
        )
      : undefined,
    record(deps, sent),
  ]);
  for (const outcome of settled) if (outcome.status === 'rejected') throw outcome.reason;
  return {
    result: { claimed: items.length, sent: sent.length, released: failed.length },
    releasedItems,
    rateLimited: stopped,
  };
}

async function record(deps: DeliveryDeps, sent: { item: SweptItem; channel: string; ts: string }[]) {
  if (sent.length === 0) return;
  const overdue = sent.filter((s) => reminderKind(s.item.slot) === 'overdue').map((s) => s.item.id);
  await deps.prisma.$executeRaw(Prisma.sql`
    WITH counted AS (
      UPDATE "ActionItem" SET "overdueReminders" = "overdueReminders" + 1 WHERE id = ANY(${overdue}::uuid[])
    )
    UPDATE "ActionItemReminder" x SET "slackChannelId" = r.channel, "slackMessageTs" = r.ts
    FROM unnest(${sent.map((s) => s.item.claimId)}::uuid[], ${sent.map((s) => s.channel)}::text[],
                ${sent.map((s) => s.ts)}::text[]) AS r(id, channel, ts)
    WHERE x.id = r.id`);
}
