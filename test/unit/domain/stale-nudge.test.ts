import fc from 'fast-check';
import { DEFAULT_NUDGE_INTERVALS, decideNudge, parseNudgeIntervals } from '../../../src/domain/stale-nudge';

const MIN = 60_000;
const T0 = new Date('2026-02-13T06:51:00Z');
const plus = (ms: number) => new Date(T0.getTime() + ms);

describe('parseNudgeIntervals', () => {
  it('reads units, keeps defaults for severities left out', () => {
    expect(parseNudgeIntervals('SEV1=15m, sev2=2h,3=90s')).toEqual({
      SEV1: 15 * MIN,
      SEV2: 120 * MIN,
      SEV3: 90_000,
      SEV4: DEFAULT_NUDGE_INTERVALS.SEV4,
    });
    expect(parseNudgeIntervals('')).toEqual(DEFAULT_NUDGE_INTERVALS);
    expect(parseNudgeIntervals('SEV4=45')).toMatchObject({ SEV4: 45 * MIN });
  });

  it.each(['SEV5=10m', 'SEV1', 'SEV1=10d', 'SEV1=0s', 'SEV1=8000h'])('refuses %j', (text) => {
    expect(typeof parseNudgeIntervals(text)).toBe('string');
  });
});

describe('decideNudge', () => {
  const interval = 30 * MIN;

  it('is not due before the interval has passed, and says when to look again', () => {
    expect(
      decideNudge({ lastUpdateAt: T0, intervalMs: interval, lastNudgedAt: null, now: plus(29 * MIN) }),
    ).toEqual({
      due: false,
      periodStartedAt: null,
      nextCheckAt: plus(interval),
    });
  });

  it('is due once per stale period', () => {
    const first = decideNudge({
      lastUpdateAt: T0,
      intervalMs: interval,
      lastNudgedAt: null,
      now: plus(31 * MIN),
    });
    expect(first).toEqual({ due: true, periodStartedAt: plus(30 * MIN), nextCheckAt: plus(31 * MIN) });
    const again = decideNudge({
      lastUpdateAt: T0,
      intervalMs: interval,
      lastNudgedAt: plus(31 * MIN),
      now: plus(45 * MIN),
    });
    expect(again).toEqual({ due: false, periodStartedAt: plus(30 * MIN), nextCheckAt: plus(60 * MIN) });
    const next = decideNudge({
      lastUpdateAt: T0,
      intervalMs: interval,
      lastNudgedAt: plus(31 * MIN),
      now: plus(61 * MIN),
    });
    expect(next.due).toBe(true);
    expect(next.periodStartedAt).toEqual(plus(60 * MIN));
  });

  it('starts over after a new update', () => {
    const update = plus(50 * MIN);
    expect(
      decideNudge({
        lastUpdateAt: update,
        intervalMs: interval,
        lastNudgedAt: plus(31 * MIN),
        now: plus(70 * MIN),
      }).due,
    ).toBe(false);
  });

  it('never allows two nudges in one period, and a check at nextCheckAt finds a later period', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1000, max: 4 * 3600_000 }),
        fc.array(fc.integer({ min: 0, max: 24 * 3600_000 }), { minLength: 1, maxLength: 30 }),
        (intervalMs, offsets) => {
          let lastNudgedAt: Date | null = null;
          const periods: number[] = [];
          for (const offset of [...offsets].sort((a, b) => a - b)) {
            const decision = decideNudge({ lastUpdateAt: T0, intervalMs, lastNudgedAt, now: plus(offset) });
            expect(decision.nextCheckAt.getTime()).toBeGreaterThanOrEqual(
              Math.min(plus(offset).getTime(), T0.getTime() + intervalMs),
            );
            if (decision.due) {
              periods.push(decision.periodStartedAt!.getTime());
              lastNudgedAt = plus(offset);
            }
          }
          expect(new Set(periods).size).toBe(periods.length);
        },
      ),
    );
  });
});
