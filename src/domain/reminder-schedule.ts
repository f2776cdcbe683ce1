import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';

dayjs.extend(utc);
dayjs.extend(timezone);

/**
 * When action item reminders are due. Pure: dates in, dates out.
 *
 * A due date is a calendar date (stored as that date's 00:00 UTC). Reminder slots are numbered:
 * 0 = "before" (`leadWorkdays` working days before the due date; absent when 0), 1 = "due" (the
 * due date, or the next working day when it falls on a weekend), 2, 3, … = overdue reminders every
 * `repeatWorkdays` working days after that. Every slot is at the start of the owner's working day
 * in the owner's time zone, on the configured work days (Monday to Friday unless configured), so
 * reminders never land on a day off or at night.
 */
export interface WorkingHours {
  /** Minutes after local midnight, 0 ≤ start < end ≤ 1440. */
  start: number;
  end: number;
}

/** Days of the week people work: 0 = Sunday … 6 = Saturday. */
export type Workdays = ReadonlySet<number>;
export const MONDAY_TO_FRIDAY: Workdays = new Set([1, 2, 3, 4, 5]);

export interface ReminderPolicy {
  leadWorkdays: number;
  repeatWorkdays: number;
  hours: WorkingHours;
  /** Monday to Friday when absent (or empty, which configuration refuses). */
  workdays?: Workdays;
}

const workdaysOf = (policy: Pick<ReminderPolicy, 'workdays'>): Workdays =>
  policy.workdays && policy.workdays.size > 0 ? policy.workdays : MONDAY_TO_FRIDAY;

export const DEFAULT_REMINDER_POLICY: ReminderPolicy = {
  leadWorkdays: 1,
  repeatWorkdays: 1,
  hours: { start: 9 * 60, end: 17 * 60 },
};

export type ReminderKind = 'before' | 'due' | 'overdue';

export interface ReminderSlot {
  index: number;
  kind: ReminderKind;
  at: Date;
  /** 1 for the first overdue reminder, 2 for the second, …; 0 otherwise. */
  overdueNumber: number;
}

export interface NextReminderInput {
  dueAt: Date;
  timeZone: string;
  now: Date;
  /** The slot sent last in this schedule, or null when none has been. */
  afterIndex: number | null;
  snoozedUntil?: Date | null;
}

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a calendar date given as its 00:00 UTC. */
export const epochDay = (date: Date): number => Math.floor(date.getTime() / DAY_MS);
const isoDate = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** The day of the week (0 = Sunday) of a day counted from 1970-01-01, which was a Thursday. */
export const weekdayOf = (day: number): number => (((day + 4) % 7) + 7) % 7;

export function isWorkday(day: number, workdays: Workdays = MONDAY_TO_FRIDAY): boolean {
  return workdays.has(weekdayOf(day));
}

function nextWorkday(day: number, workdays: Workdays): number {
  let d = day;
  while (!isWorkday(d, workdays)) d += 1;
  return d;
}

function addWorkdays(day: number, count: number, workdays: Workdays): number {
  let d = day;
  let left = count;
  const step = Math.sign(count);
  while (left !== 0) {
    d += step;
    if (isWorkday(d, workdays)) left -= step;
  }
  return d;
}

/** Working days in (from, to]. */
function workdaysBetween(from: number, to: number, workdays: Workdays): number {
  let count = 0;
  for (let d = from + 1; d <= to; d++) if (isWorkday(d, workdays)) count += 1;
  return count;
}

/** The calendar day and minute of the day of an instant, in a time zone. */
export function localTime(at: Date, timeZone: string): { day: number; minute: number } {
  const local = dayjs(at).tz(timeZone);
  return {
    day: epochDay(new Date(`${local.format('YYYY-MM-DD')}T00:00:00Z`)),
    minute: local.hour() * 60 + local.minute(),
  };
}

function startOfWork(day: number, timeZone: string, hours: WorkingHours): Date {
  const hh = String(Math.floor(hours.start / 60)).padStart(2, '0');
  const mm = String(hours.start % 60).padStart(2, '0');
  return dayjs.tz(`${isoDate(day)} ${hh}:${mm}`, timeZone).toDate();
}

/** `at` itself when it is inside working hours on a working day, else the next start of work. */
export function nextWorkingMoment(
  at: Date,
  timeZone: string,
  hours: WorkingHours,
  workdays: Workdays = MONDAY_TO_FRIDAY,
): Date {
  const { day, minute } = localTime(at, timeZone);
  const working = isWorkday(day, workdays);
  if (working && minute >= hours.start && minute < hours.end) return at;
  if (working && minute < hours.start) return startOfWork(day, timeZone, hours);
  return startOfWork(nextWorkday(day + 1, workdays), timeZone, hours);
}

function slotDay(index: number, dueWorkday: number, policy: ReminderPolicy): number | undefined {
  const workdays = workdaysOf(policy);
  if (index === 0)
    return policy.leadWorkdays > 0 ? addWorkdays(dueWorkday, -policy.leadWorkdays, workdays) : undefined;
  if (index === 1) return dueWorkday;
  return addWorkdays(dueWorkday, (index - 1) * policy.repeatWorkdays, workdays);
}

export const reminderKind = (index: number): ReminderKind =>
  index === 0 ? 'before' : index === 1 ? 'due' : 'overdue';

/**
 * The next reminder after slot `afterIndex`, no earlier than `now` nor the snooze. A snoozed item
 * is reminded when the snooze ends (moved into working hours); later slots follow their plan.
 * Slots missed while nothing ran (an outage) are skipped, not sent in a burst.
 */
export function nextReminder(input: NextReminderInput, policy: ReminderPolicy): ReminderSlot {
  const snoozed = input.snoozedUntil && input.snoozedUntil > input.now ? input.snoozedUntil : undefined;
  const floor = snoozed ?? input.now;
  const floorDay = localTime(floor, input.timeZone).day;
  const workdays = workdaysOf(policy);
  const dueWorkday = nextWorkday(epochDay(input.dueAt), workdays);
  let index = input.afterIndex === null ? 0 : input.afterIndex + 1;
  const overdueWorkdays = workdaysBetween(dueWorkday, floorDay, workdays);
  if (overdueWorkdays > 1) {
    // Skip straight to the overdue slot just before the floor's day (never past it).
    index = Math.max(index, 1 + Math.floor((overdueWorkdays - 1) / policy.repeatWorkdays));
  }
  for (; ; index++) {
    const day = slotDay(index, dueWorkday, policy);
    if (day === undefined || day < floorDay) continue;
    const at = startOfWork(day, input.timeZone, policy.hours);
    if (at < floor) continue;
    return {
      index,
      kind: reminderKind(index),
      at: snoozed ? nextWorkingMoment(snoozed, input.timeZone, policy.hours, workdays) : at,
      overdueNumber: Math.max(0, index - 1),
    };
  }
}

/** Escalate once, with the overdue reminder that makes `escalateAfter` of them. */
export function shouldEscalate(
  overdueRemindersSent: number,
  escalateAfter: number,
  escalated: boolean,
): boolean {
  return !escalated && escalateAfter > 0 && overdueRemindersSent >= escalateAfter;
}

/**
 * A slot's message is claimed (a row) before Slack is called and recorded after. A claim without a
 * record is a send in flight (maybe another job's sweep) until it is `leaseMs` old; after that its
 * claimer is taken to have died and the message counts as sent (it is never repeated). Returns how
 * long to wait before looking again, or undefined when the claim is settled: roughly the claim's
 * age, so a dead claimer costs a few looks, not one a second. The first look waits a few seconds:
 * a sweep of a burst finishes meanwhile, and the jobs it covered stay out of its way.
 */
const IN_FLIGHT_FIRST_LOOK_MS = 3000;

export function inFlightRecheckMs(
  claim: { recorded: boolean; ageMs: number },
  leaseMs: number,
): number | undefined {
  if (claim.recorded || claim.ageMs >= leaseMs) return undefined;
  return Math.min(
    Math.max(claim.ageMs, IN_FLIGHT_FIRST_LOOK_MS),
    60_000,
    Math.max(leaseMs - claim.ageMs, 1000),
  );
}

/** Parses `HH:MM-HH:MM` (end may be 24:00). */
export function parseWorkingHours(text: string): WorkingHours | undefined {
  const match = /^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!match) return undefined;
  const [h1, m1, h2, m2] = match.slice(1).map(Number) as [number, number, number, number];
  const start = h1 * 60 + m1;
  const end = h2 * 60 + m2;
  if (m1 > 59 || m2 > 59 || start >= end || end > 24 * 60) return undefined;
  return { start, end };
}

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/**
 * Parses work days: names or ranges separated by commas, e.g. `mon-fri`, `sun-thu`, `mon,wed,fri`,
 * `mon-sun` (a range may wrap past Saturday). Undefined when a part is not a day or none is given.
 */
export function parseWorkdays(text: string): Workdays | undefined {
  const days = new Set<number>();
  for (const part of text.toLowerCase().split(',')) {
    const [from, to, ...rest] = part
      .trim()
      .split('-')
      .map((name) => DAY_NAMES.indexOf(name.trim()));
    if (from === undefined || from < 0 || rest.length > 0 || (to !== undefined && to < 0)) return undefined;
    for (let d = from; ; d = (d + 1) % 7) {
      days.add(d);
      if (d === (to ?? from)) break;
    }
  }
  return days.size > 0 ? days : undefined;
}
