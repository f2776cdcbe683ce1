import type { Queue } from 'bullmq';
import type { PrismaClient } from '../db/prisma';
import { nextReminder, type ReminderPolicy } from '../domain/reminder-schedule';
import type { ReminderClock } from '../jobs/reminder-clock';
import { dueMomentJob, scheduleDueMomentSweep } from './due-moment-sweep';

/** Contract: payload of a `reminder` job on the reminders queue. Add fields, never rename. */
export interface ReminderJobData {
  v: 1;
  actionItemId: string;
  epoch: number;
  slot: number;
  /** When the slot is planned for (ISO), so the next one is planned from it. */
  at?: string;
  /** The owner's time zone the slot was planned in; the next slot reuses it (no Slack call). */
  tz?: string;
}

/** Deterministic: adding the same reminder twice leaves one job (BullMQ ids may not contain ':'). */
export function reminderJobId(actionItemId: string, epoch: number, slot: number): string {
  return `reminder-${actionItemId}-${epoch}-${slot}`;
}

/** The slot key stored on each sent reminder: one message per recipient and slot. */
export const slotKey = (epoch: number, slot: number): string => `${epoch}-${slot}`;

export const REMINDER_JOB_OPTIONS = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 1000, jitter: 0.2 },
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;

/** A reminder that went out late does not make the next one skip; after a longer outage, missed slots are. */
const CATCH_UP_MS = 12 * 60 * 60 * 1000;

export interface PlanDeps {
  prisma: PrismaClient;
  queue: Queue;
  clock: ReminderClock;
  policy: ReminderPolicy;
  timeZoneOf: (userId: string) => Promise<string>;
  /**
   * Clock milliseconds after its moment that an item's own job runs (default 0). With sweeping on,
   * the moment's sweep job sends the burst and the items' jobs come later, as its fallback and to
   * plan the next slot, instead of a thousand jobs competing with the burst for CPU.
   */
  ownJobLagMs?: number;
}

export function reminderJob(data: ReminderJobData, at: Date, clock: ReminderClock, lagMs = 0) {
  return {
    name: 'reminder',
    data,
    opts: {
      ...REMINDER_JOB_OPTIONS,
      jobId: reminderJobId(data.actionItemId, data.epoch, data.slot),
      delay: clock.msUntil(new Date(at.getTime() + lagMs)),
    },
  };
}

async function removeQuietly(queue: Queue, jobId: string): Promise<void> {
  // A job being processed right now cannot be removed; it re-reads the item and stands down.
  await queue.remove(jobId).catch(() => 0);
}

/** The highest slot of the current epoch already sent to the owner, or null. */
async function lastSentSlot(
  prisma: PrismaClient,
  actionItemId: string,
  epoch: number,
): Promise<number | null> {
  const sent = await prisma.actionItemReminder.findMany({
    where: { actionItemId, recipient: 'OWNER', slot: { startsWith: `${epoch}-` } },
    select: { slot: true },
  });
  const slots = sent.map((r) => Number(r.slot!.slice(`${epoch}-`.length))).filter(Number.isInteger);
  return slots.length > 0 ? Math.max(...slots) : null;
}

/**
 * Makes the item's reminder job match the item: an open item with a due date has exactly its next
 * slot waiting in BullMQ (stored on the item, so a boot can rebuild it); any other item has none.
 * Idempotent: called for every change (outbox) and after every reminder sent.
 */
export async function planActionItemReminders(
  deps: PlanDeps,
  actionItemId: string,
  after?: { sentAt?: Date; timeZone?: string; ownerId?: string },
): Promise<{ slot: number; at: Date } | undefined> {
  const item = await deps.prisma.actionItem.findUnique({ where: { id: actionItemId } });
  if (!item) return undefined;
  const pending = item.nextReminderSlot;
  const open = item.state === 'OPEN' || item.state === 'IN_PROGRESS';
  if (!open || !item.dueAt) {
    if (pending !== null) {
      await removeQuietly(deps.queue, reminderJobId(item.id, item.reminderEpoch, pending));
      await deps.prisma.actionItem.updateMany({
        where: { id: item.id, reminderEpoch: item.reminderEpoch, nextReminderSlot: pending },
        data: { nextReminderSlot: null, nextReminderAt: null },
      });
    }
    return undefined;
  }
  const now = deps.clock.now();
  const sentAt = after?.sentAt;
  const floor = sentAt ? new Date(Math.max(sentAt.getTime(), now.getTime() - CATCH_UP_MS)) : now;
  const knownZone = after?.timeZone && after.ownerId === item.ownerId ? after.timeZone : undefined;
  const [timeZone, afterIndex] = await Promise.all([
    knownZone ?? deps.timeZoneOf(item.ownerId),
    lastSentSlot(deps.prisma, item.id, item.reminderEpoch),
  ]);
  const next = nextReminder(
    { dueAt: item.dueAt, timeZone, now: floor, afterIndex, snoozedUntil: item.snoozedUntil },
    deps.policy,
  );
  if (pending !== null && pending !== next.index) {
    await removeQuietly(deps.queue, reminderJobId(item.id, item.reminderEpoch, pending));
  }
  if (pending !== null && item.reminderEpoch > 0) {
    // A due date or owner change bumped the epoch; the previous epoch's job is obsolete.
    await removeQuietly(deps.queue, reminderJobId(item.id, item.reminderEpoch - 1, pending));
  }
  const stored = await deps.prisma.actionItem.updateMany({
    where: { id: item.id, reminderEpoch: item.reminderEpoch, state: item.state },
    data: { nextReminderSlot: next.index, nextReminderAt: next.at },
  });
  if (stored.count === 0) return undefined; // changed meanwhile: that change's own plan wins
  const job = reminderJob(
    {
      v: 1,
      actionItemId: item.id,
      epoch: item.reminderEpoch,
      slot: next.index,
      at: next.at.toISOString(),
      tz: timeZone,
    },
    next.at,
    deps.clock,
    deps.ownJobLagMs,
  );
  if (pending === next.index && item.nextReminderAt?.getTime() !== next.at.getTime()) {
    // Same slot, new time (a snooze inside one slot): the waiting job must move.
    await removeQuietly(deps.queue, job.opts.jobId);
  }
  await Promise.all([
    deps.queue.add(job.name, job.data, job.opts),
    scheduleDueMomentSweep(deps.queue, next.at, deps.clock),
  ]);
  return { slot: next.index, at: next.at };
}

/**
 * After a restart of Redis (or a lost job): re-adds the waiting job of every open item from
 * PostgreSQL. Jobs that still exist are left alone (same job id), so running it twice is harmless.
 */
export async function rebuildReminderJobs(
  deps: Pick<PlanDeps, 'prisma' | 'queue' | 'clock' | 'ownJobLagMs'>,
  pageSize = 1000,
): Promise<number> {
  let cursor: string | undefined;
  let added = 0;
  for (;;) {
    const page = await deps.prisma.actionItem.findMany({
      where: { state: { in: ['OPEN', 'IN_PROGRESS'] }, nextReminderSlot: { not: null } },
      select: { id: true, reminderEpoch: true, nextReminderSlot: true, nextReminderAt: true },
      orderBy: { id: 'asc' },
      take: pageSize,
      ...(cursor ? { skip: 1, cursor: { id: cursor } } : {}),
    });
    if (page.length === 0) return added;
    // Each due moment's sweep job too (the in-process memory of scheduleDueMomentSweep does not
    // know what Redis lost).
    const moments = new Set(
      page.flatMap((item) => (item.nextReminderAt ? [item.nextReminderAt.getTime()] : [])),
    );
    await deps.queue.addBulk([
      ...[...moments].map((at) => dueMomentJob(new Date(at), deps.clock)),
      ...page.map((item) =>
        reminderJob(
          {
            v: 1,
            actionItemId: item.id,
            epoch: item.reminderEpoch,
            slot: item.nextReminderSlot!,
            ...(item.nextReminderAt ? { at: item.nextReminderAt.toISOString() } : {}),
          },
          item.nextReminderAt ?? deps.clock.now(),
          deps.clock,
          deps.ownJobLagMs,
        ),
      ),
    ]);
    added += page.length;
    cursor = page.at(-1)!.id;
  }
}

/**
 * After slot `job.slot` went out (or had already): plans the next one from the item just read and
 * the zone the job carries, in one conditional update and one job, so a burst of reminders at the
 * start of the working day costs as little as possible. Without a zone it falls back to the full plan.
 */
export async function planAfterSent(
  deps: PlanDeps,
  item: { id: string; ownerId: string; dueAt: Date | null; snoozedUntil: Date | null; reminderEpoch: number },
  job: ReminderJobData,
): Promise<void> {
  const sentAt = job.at ? new Date(job.at) : undefined;
  if (!job.tz || !item.dueAt) {
    await planActionItemReminders(deps, item.id, { ...(sentAt ? { sentAt } : {}) });
    return;
  }
  const now = deps.clock.now();
  const floor = sentAt ? new Date(Math.max(sentAt.getTime(), now.getTime() - CATCH_UP_MS)) : now;
  const next = nextReminder(
    {
      dueAt: item.dueAt,
      timeZone: job.tz,
      now: floor,
      afterIndex: job.slot,
      snoozedUntil: item.snoozedUntil,
    },
    deps.policy,
  );
  const stored = await deps.prisma.actionItem.updateMany({
    where: {
      id: item.id,
      reminderEpoch: job.epoch,
      nextReminderSlot: job.slot,
      state: { in: ['OPEN', 'IN_PROGRESS'] },
    },
    data: { nextReminderSlot: next.index, nextReminderAt: next.at },
  });
  if (stored.count === 0) return; // changed meanwhile: that change's own plan wins
  const planned = reminderJob(
    {
      v: 1,
      actionItemId: item.id,
      epoch: job.epoch,
      slot: next.index,
      at: next.at.toISOString(),
      tz: job.tz,
    },
    next.at,
    deps.clock,
    deps.ownJobLagMs,
  );
  await Promise.all([
    deps.queue.add(planned.name, planned.data, planned.opts),
    scheduleDueMomentSweep(deps.queue, next.at, deps.clock),
  ]);
}
