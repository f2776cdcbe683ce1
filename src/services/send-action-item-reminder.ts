import type { PrismaClient } from '../db/prisma';
import { inFlightRecheckMs, reminderKind, shouldEscalate } from '../domain/reminder-schedule';
import { Prisma } from '../generated/prisma/client';
import { reminderMessage } from '../slack/blocks/action-items';
import { escalateActionItem, type EscalationDeps } from './escalate-action-item';
import { slotKey, type ReminderJobData } from './plan-action-item-reminders';
import {
  CLAIM_LEASE_MS,
  CLAIM_STATE_SQL,
  claimSlot,
  post,
  reminderLine,
  sendClaimed,
  type ClaimState,
} from './reminder-delivery';
import { sweepDueReminders, type SweepOptions, type SweepResult } from './sweep-due-reminders';

export interface SendReminderDeps extends EscalationDeps {
  escalateAfter: number;
  /** Sending the other reminders due at the same moment along with this one; absent: never. */
  sweep?: SweepOptions;
}

export type ReminderOutcome = 'sent' | 'stale' | 'already-sent' | 'in-flight';

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

/** The item and how the owner's message of the job's slot stands (null: not claimed yet). */
async function loadTarget(
  prisma: PrismaClient,
  id: string,
  slot: string,
): Promise<(ReminderTarget & { claim: ClaimState | null }) | undefined> {
  const rows = await prisma.$queryRaw<(ReminderTarget & { claim: ClaimState | null })[]>(Prisma.sql`
    SELECT a.id, a."incidentId", i.number AS "incidentNumber",
           (SELECT r."userId" FROM "IncidentRole" r WHERE r."incidentId" = i.id AND r.role = 'lead') AS "leadId",
           a.title, a."ownerId", a."managerId", a."dueAt", a.priority::text AS priority, a.state::text AS state,
           a."snoozedUntil", a."reminderEpoch", a."nextReminderSlot", a."overdueReminders", a."escalatedAt",
           (SELECT json_build_object('recorded', c.recorded, 'ageMs', c."ageMs") FROM (
              SELECT ${CLAIM_STATE_SQL} FROM "ActionItemReminder" r
              WHERE r."actionItemId" = a.id AND r.slot = ${slot} AND r.recipient = 'OWNER') c) AS claim
    FROM "ActionItem" a JOIN "Incident" i ON i.id = a."incidentId"
    WHERE a.id = ${id}::uuid`);
  return rows[0];
}

export interface ReminderJobOutcome {
  result: ReminderOutcome;
  item?: ReminderTarget;
  /** With `in-flight`: another sender holds the slot's claim; look again after this long. */
  retryInMs?: number;
  swept?: SweepResult;
}

/**
 * Carries out one reminder job. The item is read again first: a job for a finished, changed or
 * re-planned item sends nothing. The first job of a due moment also sweeps the other items due by
 * then (sweepDueReminders), so a burst goes out without waiting for each item's job. A slot whose
 * message another sender is still sending comes back `in-flight` (the job looks again later: that
 * send may fail and be released). Escalates to the manager (configured, else the one stored on the
 * item, else the incident lead) and the team channel once enough overdue reminders went unanswered.
 */
export async function sendActionItemReminder(
  deps: SendReminderDeps,
  job: ReminderJobData,
): Promise<ReminderJobOutcome> {
  const slot = slotKey(job.epoch, job.slot);
  const item = await loadTarget(deps.prisma, job.actionItemId, slot);
  const open = item && (item.state === 'OPEN' || item.state === 'IN_PROGRESS');
  if (!item || !open || item.reminderEpoch !== job.epoch || item.nextReminderSlot !== job.slot)
    return { result: 'stale' };
  if (item.claim) {
    // Claimed by a sweep or an earlier attempt: sent (or, past the lease, taken as sent) or in flight.
    const pending = inFlightRecheckMs(item.claim, CLAIM_LEASE_MS);
    if (pending) return { result: 'in-flight', retryInMs: pending };
    return finish(deps, item, job, slot, false, {});
  }
  const kind = reminderKind(job.slot);
  // The job's own slot is claimed before it sweeps: a job whose item another sweep took meanwhile
  // stands down without sweeping, so every sweep belongs to a job that completes and reports it.
  const own = await claimSlot(deps, {
    actionItemId: item.id,
    slot,
    recipient: 'OWNER',
    recipientId: item.ownerId,
  });
  if (own.rowId === undefined) {
    const wait = inFlightRecheckMs(own.claim, CLAIM_LEASE_MS);
    if (wait) return { result: 'in-flight', retryInMs: wait };
    return finish(deps, item, job, slot, false, {});
  }
  const rowId = own.rowId;
  const [delivered, swept] = await Promise.allSettled([
    sendClaimed(
      deps,
      { rowId, actionItemId: item.id },
      () => post(deps.slack, item.ownerId, reminderMessage(reminderLine(item), kind, job.slot - 1)),
      kind === 'overdue',
    ),
    deps.sweep
      ? sweepDueReminders(deps, deps.sweep, {
          dueBy: new Date(Math.max(deps.now().getTime(), job.at ? Date.parse(job.at) : 0)),
          except: item.id,
        })
      : undefined,
  ]);
  if (delivered.status === 'rejected') throw delivered.reason;
  if (swept.status === 'rejected') throw swept.reason;
  return finish(deps, item, job, slot, true, swept.value ? { swept: swept.value } : {});
}

/** After the owner's message of the slot went out (or had already): escalates when it is time. */
async function finish(
  deps: SendReminderDeps,
  item: ReminderTarget,
  job: ReminderJobData,
  slot: string,
  sent: boolean,
  sweep: { swept?: SweepResult },
): Promise<ReminderJobOutcome> {
  const kind = reminderKind(job.slot);
  const overdue = item.overdueReminders + (sent && kind === 'overdue' ? 1 : 0);
  if (kind === 'overdue' && shouldEscalate(overdue, deps.escalateAfter, item.escalatedAt !== null)) {
    await escalateActionItem(deps, item, reminderLine(item), slot, overdue);
  }
  return { result: sent ? 'sent' : 'already-sent', item, ...sweep };
}
