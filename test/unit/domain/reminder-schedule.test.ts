import fc from 'fast-check';
import {
  DEFAULT_REMINDER_POLICY,
  inFlightRecheckMs,
  isWorkday,
  localTime,
  MONDAY_TO_FRIDAY,
  nextReminder,
  nextWorkingMoment,
  parseWorkdays,
  parseWorkingHours,
  weekdayOf,
  shouldEscalate,
  type ReminderPolicy,
} from '../../../src/domain/reminder-schedule';

const LA = 'America/Los_Angeles';
const policy = DEFAULT_REMINDER_POLICY;
const due = (date: string) => new Date(`${date}T00:00:00Z`);

describe('nextReminder (examples)', () => {
  // 2026-12-03 is a Thursday.
  it('plans before (the working day ahead), on the due date, then every working day while overdue', () => {
    const now = new Date('2026-11-30T12:00:00Z');
    const input = { dueAt: due('2026-12-03'), timeZone: LA, now, afterIndex: null };
    const first = nextReminder(input, policy);
    expect(first).toMatchObject({ index: 0, kind: 'before', overdueNumber: 0 });
    expect(first.at.toISOString()).toBe('2026-12-02T17:00:00.000Z'); // Wed 09:00 PST
    const second = nextReminder({ ...input, afterIndex: 0, now: first.at }, policy);
    expect(second).toMatchObject({ index: 1, kind: 'due' });
    expect(second.at.toISOString()).toBe('2026-12-03T17:00:00.000Z');
    const third = nextReminder({ ...input, afterIndex: 1, now: second.at }, policy);
    expect(third).toMatchObject({ index: 2, kind: 'overdue', overdueNumber: 1 });
    expect(third.at.toISOString()).toBe('2026-12-04T17:00:00.000Z'); // Fri
    const fourth = nextReminder({ ...input, afterIndex: 2, now: third.at }, policy);
    expect(fourth.at.toISOString()).toBe('2026-12-07T17:00:00.000Z'); // Mon, weekend skipped
  });

  it('moves a weekend due date to Monday and the early reminder to Friday', () => {
    const input = {
      dueAt: due('2026-12-05'),
      timeZone: 'Europe/Berlin',
      now: due('2026-12-01'),
      afterIndex: null,
    };
    const before = nextReminder(input, policy);
    expect(before.at.toISOString()).toBe('2026-12-04T08:00:00.000Z'); // Fri 09:00 CET
    expect(nextReminder({ ...input, afterIndex: 0, now: before.at }, policy).at.toISOString()).toBe(
      '2026-12-07T08:00:00.000Z',
    );
  });

  it('skips slots already past, without a burst after an outage', () => {
    const now = new Date('2027-01-20T20:00:00Z'); // Wed, 12:00 PST
    const next = nextReminder({ dueAt: due('2026-12-03'), timeZone: LA, now, afterIndex: 2 }, policy);
    expect(next.at.toISOString()).toBe('2027-01-21T17:00:00.000Z');
    expect(next.kind).toBe('overdue');
  });

  it('a snoozed item is reminded when the snooze ends, moved into working hours', () => {
    const now = new Date('2026-12-04T18:00:00Z'); // Fri 10:00 PST
    const dueAt = due('2026-12-03');
    const dayLater = nextReminder(
      { dueAt, timeZone: LA, now, afterIndex: 2, snoozedUntil: new Date('2026-12-05T18:00:00Z') },
      policy,
    );
    expect(dayLater.at.toISOString()).toBe('2026-12-07T17:00:00.000Z'); // Saturday → Monday 09:00
    const weekLater = nextReminder(
      { dueAt, timeZone: LA, now, afterIndex: 2, snoozedUntil: new Date('2026-12-11T18:00:00Z') },
      policy,
    );
    expect(weekLater.at.toISOString()).toBe('2026-12-11T18:00:00.000Z'); // Fri 10:00, inside hours
  });

  it('has no early reminder when the lead is 0', () => {
    const next = nextReminder(
      { dueAt: due('2026-12-03'), timeZone: 'UTC', now: due('2026-11-30'), afterIndex: null },
      { ...policy, leadWorkdays: 0 },
    );
    expect(next).toMatchObject({ index: 1, kind: 'due' });
  });
});

describe('helpers', () => {
  it('nextWorkingMoment keeps a working moment and moves evenings and weekends', () => {
    const hours = policy.hours;
    expect(nextWorkingMoment(new Date('2026-12-02T12:00:00Z'), 'UTC', hours).toISOString()).toBe(
      '2026-12-02T12:00:00.000Z',
    );
    expect(nextWorkingMoment(new Date('2026-12-04T17:30:00Z'), 'UTC', hours).toISOString()).toBe(
      '2026-12-07T09:00:00.000Z',
    );
    expect(nextWorkingMoment(new Date('2026-12-02T06:00:00Z'), 'UTC', hours).toISOString()).toBe(
      '2026-12-02T09:00:00.000Z',
    );
  });

  it('inFlightRecheckMs waits on a claim in flight, about its age, and settles a recorded or expired one', () => {
    const lease = 300_000;
    expect(inFlightRecheckMs({ recorded: true, ageMs: 10 }, lease)).toBeUndefined();
    expect(inFlightRecheckMs({ recorded: false, ageMs: lease }, lease)).toBeUndefined();
    expect(inFlightRecheckMs({ recorded: false, ageMs: 0 }, lease)).toBe(3000);
    expect(inFlightRecheckMs({ recorded: false, ageMs: 20_000 }, lease)).toBe(20_000);
    expect(inFlightRecheckMs({ recorded: false, ageMs: 200_000 }, lease)).toBe(60_000);
    expect(inFlightRecheckMs({ recorded: false, ageMs: 299_500 }, lease)).toBe(1000);
  });

  it('parseWorkingHours', () => {
    expect(parseWorkingHours('09:00-17:30')).toEqual({ start: 540, end: 1050 });
    expect(parseWorkingHours('00:00-24:00')).toEqual({ start: 0, end: 1440 });
    expect(parseWorkingHours('17:00-09:00')).toBeUndefined();
    expect(parseWorkingHours('9-5')).toBeUndefined();
    expect(parseWorkingHours('09:60-10:00')).toBeUndefined();
  });

  it('shouldEscalate once, after the configured number of overdue reminders', () => {
    expect(shouldEscalate(2, 3, false)).toBe(false);
    expect(shouldEscalate(3, 3, false)).toBe(true);
    expect(shouldEscalate(4, 3, true)).toBe(false);
    expect(shouldEscalate(9, 0, false)).toBe(false);
  });
});

const ZONES = [
  'UTC',
  LA,
  'Europe/Berlin',
  'Asia/Kolkata',
  'Australia/Sydney',
  'Pacific/Kiritimati',
  'America/St_Johns',
  'Pacific/Chatham',
  'America/Sao_Paulo',
];
const instant = fc
  .integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2030, 0, 1) })
  .map((ms) => new Date(ms));
const dueDate = fc.integer({ min: 19_700, max: 21_900 }).map((day) => new Date(day * 86_400_000));
const policies: fc.Arbitrary<ReminderPolicy> = fc
  .record({
    leadWorkdays: fc.integer({ min: 0, max: 5 }),
    repeatWorkdays: fc.integer({ min: 1, max: 5 }),
    // Whole hours from 04:00, so no start falls in a DST gap (those happen between 00:00 and 03:00).
    startHour: fc.integer({ min: 4, max: 20 }),
    length: fc.integer({ min: 1, max: 12 }),
    // Absent: Monday to Friday. Otherwise any non-empty set of days (Sunday to Thursday, ...).
    workdays: fc.option(
      fc.subarray([0, 1, 2, 3, 4, 5, 6], { minLength: 1 }).map((days) => new Set(days)),
      { nil: undefined },
    ),
  })
  .map(({ leadWorkdays, repeatWorkdays, startHour, length, workdays }) => ({
    leadWorkdays,
    repeatWorkdays,
    hours: { start: startHour * 60, end: Math.min(24 * 60, (startHour + length) * 60) },
    ...(workdays ? { workdays } : {}),
  }));

const workdaysOf = (p: ReminderPolicy) => p.workdays ?? MONDAY_TO_FRIDAY;

function inWorkingHours(at: Date, zone: string, p: ReminderPolicy): boolean {
  const { day, minute } = localTime(at, zone);
  return isWorkday(day, workdaysOf(p)) && minute >= p.hours.start && minute < p.hours.end;
}

describe('nextReminder (properties)', () => {
  const inputs = fc.record({
    dueAt: dueDate,
    timeZone: fc.constantFrom(...ZONES),
    now: instant,
    snoozeMs: fc.option(fc.integer({ min: -3 * 86_400_000, max: 30 * 86_400_000 }), { nil: undefined }),
    policy: policies,
  });

  it('is never on a day off, always inside working hours, never before now or the snooze', () => {
    fc.assert(
      fc.property(inputs, ({ dueAt, timeZone, now, snoozeMs, policy: p }) => {
        const snoozedUntil = snoozeMs === undefined ? null : new Date(now.getTime() + snoozeMs);
        const slot = nextReminder({ dueAt, timeZone, now, afterIndex: null, snoozedUntil }, p);
        expect(inWorkingHours(slot.at, timeZone, p)).toBe(true);
        expect(slot.at.getTime()).toBeGreaterThanOrEqual(now.getTime());
        if (snoozedUntil) expect(slot.at.getTime()).toBeGreaterThanOrEqual(snoozedUntil.getTime());
      }),
      { numRuns: 300 },
    );
  });

  it('a chain of reminders is strictly increasing in time and index, and overdue ones count up', () => {
    fc.assert(
      fc.property(inputs, ({ dueAt, timeZone, now, policy: p }) => {
        let slot = nextReminder({ dueAt, timeZone, now, afterIndex: null }, p);
        for (let i = 0; i < 6; i++) {
          const next = nextReminder({ dueAt, timeZone, now: slot.at, afterIndex: slot.index }, p);
          expect(next.at.getTime()).toBeGreaterThan(slot.at.getTime());
          expect(next.index).toBeGreaterThan(slot.index);
          expect(inWorkingHours(next.at, timeZone, p)).toBe(true);
          if (next.kind === 'overdue') expect(next.overdueNumber).toBe(next.index - 1);
          slot = next;
        }
      }),
      { numRuns: 150 },
    );
  });

  it('before comes before due, and due is on the due date when that is a working day', () => {
    fc.assert(
      fc.property(dueDate, fc.constantFrom(...ZONES), policies, (dueAt, timeZone, p) => {
        const now = new Date(dueAt.getTime() - 20 * 86_400_000);
        const first = nextReminder({ dueAt, timeZone, now, afterIndex: null }, p);
        const onDue =
          first.kind === 'due'
            ? first
            : nextReminder({ dueAt, timeZone, now: first.at, afterIndex: first.index }, p);
        expect(onDue.kind).toBe('due');
        if (first.kind === 'before') expect(first.at.getTime()).toBeLessThan(onDue.at.getTime());
        const day = localTime(onDue.at, timeZone).day;
        const dueDay = Math.floor(dueAt.getTime() / 86_400_000);
        if (isWorkday(dueDay, workdaysOf(p))) expect(day).toBe(dueDay);
        else expect(day).toBeGreaterThan(dueDay);
      }),
      { numRuns: 200 },
    );
  });
});

describe('work days', () => {
  it('parseWorkdays reads names, ranges (wrapping past Saturday) and lists; refuses anything else', () => {
    const days = (text: string) => [...(parseWorkdays(text) ?? [])].sort();
    expect(days('mon-fri')).toEqual([1, 2, 3, 4, 5]);
    expect(days('Sun-Thu')).toEqual([0, 1, 2, 3, 4]);
    expect(days('mon, wed,fri')).toEqual([1, 3, 5]);
    expect(days('fri-mon')).toEqual([0, 1, 5, 6]);
    expect(days('mon-sun')).toEqual([0, 1, 2, 3, 4, 5, 6]);
    for (const bad of ['', 'monday', 'mon-', 'mon-fri-sat', 'mon,,fri', 'xyz'])
      expect(parseWorkdays(bad)).toBeUndefined();
  });

  it('a Sunday-to-Thursday week reminds on Sunday and moves a Friday due date to Sunday', () => {
    const sunToThu = { ...policy, workdays: parseWorkdays('sun-thu')! };
    // Friday 2026-12-04: due moves to Sunday 6th 09:00 UTC; the early reminder is on Thursday 3rd.
    const first = nextReminder(
      { dueAt: due('2026-12-04'), timeZone: 'UTC', now: new Date('2026-12-01T00:00:00Z'), afterIndex: null },
      sunToThu,
    );
    expect([first.kind, first.at.toISOString()]).toEqual(['before', '2026-12-03T09:00:00.000Z']);
    const onDue = nextReminder(
      { dueAt: due('2026-12-04'), timeZone: 'UTC', now: first.at, afterIndex: first.index },
      sunToThu,
    );
    expect([onDue.kind, onDue.at.toISOString()]).toEqual(['due', '2026-12-06T09:00:00.000Z']);
    expect(weekdayOf(Math.floor(onDue.at.getTime() / 86_400_000))).toBe(0);
  });
});
