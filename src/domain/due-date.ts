import { localTime } from './reminder-schedule';

const DAY_MS = 86_400_000;
const MAX_YEARS_AHEAD = 5;

/**
 * Due dates are calendar dates, stored as the date's 00:00 UTC: "due on 3 December" means the same
 * day for everyone, and each owner's reminders follow that date in their own time zone.
 */
export type DueDateResult = { ok: true; dueAt: Date | null } | { ok: false; error: string };

/** Today's date (YYYY-MM-DD) in a time zone. */
export function todayIn(now: Date, timeZone: string): string {
  return new Date(localTime(now, timeZone).day * DAY_MS).toISOString().slice(0, 10);
}

/** Checks a datepicker value (`YYYY-MM-DD`, or empty for none) against today in the user's zone. */
export function parseDueDate(value: string | null | undefined, today: string): DueDateResult {
  if (value === null || value === undefined || value.trim() === '') return { ok: true, dueAt: null };
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  const dueAt = match ? new Date(`${value.trim()}T00:00:00Z`) : undefined;
  if (!dueAt || Number.isNaN(dueAt.getTime()) || dueAt.toISOString().slice(0, 10) !== value.trim())
    return { ok: false, error: 'Pick a date from the calendar.' };
  if (value.trim() < today) return { ok: false, error: `The due date is in the past; today is ${today}.` };
  const limit = new Date(`${today}T00:00:00Z`);
  limit.setUTCFullYear(limit.getUTCFullYear() + MAX_YEARS_AHEAD);
  if (dueAt > limit) return { ok: false, error: `Pick a due date within ${MAX_YEARS_AHEAD} years.` };
  return { ok: true, dueAt };
}

/** Overdue once the whole due date has passed in UTC (lists and the digest; reminders use the owner's zone). */
export function isOverdue(dueAt: Date | null, now: Date): boolean {
  return dueAt !== null && now.getTime() >= dueAt.getTime() + DAY_MS;
}

/** Closed by the end of its due date (or it had none). */
export function closedOnTime(dueAt: Date | null, completedAt: Date): boolean {
  return dueAt === null || completedAt.getTime() < dueAt.getTime() + DAY_MS;
}

/** `YYYY-MM-DD` of a stored due date. */
export function dueDateText(dueAt: Date): string {
  return dueAt.toISOString().slice(0, 10);
}
