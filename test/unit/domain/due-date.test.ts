import fc from 'fast-check';
import { closedOnTime, isOverdue, parseDueDate, todayIn } from '../../../src/domain/due-date';

describe('due dates', () => {
  it('today depends on the user’s time zone', () => {
    const now = new Date('2026-11-28T07:30:00Z');
    expect(todayIn(now, 'UTC')).toBe('2026-11-28');
    expect(todayIn(now, 'America/Los_Angeles')).toBe('2026-11-27');
    expect(todayIn(now, 'Pacific/Kiritimati')).toBe('2026-11-28');
  });

  it('accepts today and later as 00:00 UTC of that date, nothing for an empty field', () => {
    expect(parseDueDate('2026-11-28', '2026-11-28')).toEqual({
      ok: true,
      dueAt: new Date('2026-11-28T00:00:00Z'),
    });
    expect(parseDueDate(null, '2026-11-28')).toEqual({ ok: true, dueAt: null });
    expect(parseDueDate('', '2026-11-28')).toEqual({ ok: true, dueAt: null });
  });

  it('refuses past dates, nonsense and dates far ahead with a clear message', () => {
    expect(parseDueDate('2026-11-27', '2026-11-28')).toEqual({
      ok: false,
      error: 'The due date is in the past; today is 2026-11-28.',
    });
    expect(parseDueDate('2026-02-30', '2026-01-01')).toEqual({
      ok: false,
      error: 'Pick a date from the calendar.',
    });
    expect(parseDueDate('tomorrow', '2026-01-01')).toMatchObject({ ok: false });
    expect(parseDueDate('2032-01-01', '2026-01-01')).toEqual({
      ok: false,
      error: 'Pick a due date within 5 years.',
    });
  });

  it('any valid date string is accepted exactly when it is not before today', () => {
    const day = fc
      .integer({ min: 19_000, max: 22_000 })
      .map((d) => new Date(d * 86_400_000).toISOString().slice(0, 10));
    fc.assert(
      fc.property(day, day, (value, today) => {
        const result = parseDueDate(value, today);
        const within =
          new Date(`${value}T00:00:00Z`).getTime() - new Date(`${today}T00:00:00Z`).getTime() <=
          1826 * 86_400_000;
        if (value < today) expect(result.ok).toBe(false);
        else if (within && result.ok) expect(result.dueAt?.toISOString().slice(0, 10)).toBe(value);
      }),
    );
  });

  it('overdue after the due date has ended; closed on time by its end', () => {
    const dueAt = new Date('2026-12-03T00:00:00Z');
    expect(isOverdue(dueAt, new Date('2026-12-03T23:59:59Z'))).toBe(false);
    expect(isOverdue(dueAt, new Date('2026-12-04T00:00:00Z'))).toBe(true);
    expect(isOverdue(null, new Date('2030-01-01T00:00:00Z'))).toBe(false);
    expect(closedOnTime(dueAt, new Date('2026-12-03T22:00:00Z'))).toBe(true);
    expect(closedOnTime(dueAt, new Date('2026-12-04T01:00:00Z'))).toBe(false);
  });
});
