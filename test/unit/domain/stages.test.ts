import fc from 'fast-check';
import {
  moveStage,
  parseStage,
  STAGE_LABELS,
  STAGES,
  type Stage,
  type StageTimes,
} from '../../../src/domain/stages';

const declaredAt = new Date('2026-02-13T07:30:00Z');
const t1 = new Date('2026-02-13T09:00:00Z');
const t2 = new Date('2026-02-13T10:10:00Z');
const t3 = new Date('2026-02-13T10:21:00Z');
const at = new Date('2026-02-13T11:00:00Z');

/** Times of an incident that went straight down the path to `stage`. */
function timesAt(stage: Stage): StageTimes {
  const reached = (s: Stage) => STAGES.indexOf(stage) >= STAGES.indexOf(s);
  return {
    declaredAt,
    identifiedAt: reached('identified') ? t1 : null,
    monitoringAt: reached('monitoring') ? t2 : null,
    resolvedAt: reached('resolved') ? t3 : null,
  };
}

type Expected = [identifiedAt: Date | null, monitoringAt: Date | null, resolvedAt: Date | null];

const CASES: [Stage, Stage, string, Expected | null][] = [
  ['investigating', 'investigating', 'The incident is already Investigating.', null],
  ['investigating', 'identified', 'forward', [at, null, null]],
  ['investigating', 'monitoring', 'forward', [null, at, null]],
  ['investigating', 'resolved', 'forward', [null, null, at]],
  ['identified', 'investigating', 'back', [null, null, null]],
  ['identified', 'identified', 'The incident is already Identified.', null],
  ['identified', 'monitoring', 'forward', [t1, at, null]],
  ['identified', 'resolved', 'forward', [t1, null, at]],
  ['monitoring', 'investigating', 'back', [null, null, null]],
  ['monitoring', 'identified', 'back', [at, null, null]],
  ['monitoring', 'monitoring', 'The incident is already Monitoring.', null],
  ['monitoring', 'resolved', 'forward', [t1, t2, at]],
  ['resolved', 'investigating', 'reopen', [null, null, null]],
  ['resolved', 'identified', 'reopen', [at, null, null]],
  [
    'resolved',
    'monitoring',
    'A resolved incident cannot go to Monitoring; reopen it as Investigating or Identified first.',
    null,
  ],
  ['resolved', 'resolved', 'The incident is already Resolved.', null],
];

describe('moveStage', () => {
  it('has a case for every ordered pair of stages', () => {
    expect(new Set(CASES.map(([from, to]) => `${from}>${to}`)).size).toBe(STAGES.length ** 2);
  });

  it.each(CASES)('%s → %s: %s', (from, to, moveOrError, expected) => {
    const before = timesAt(from);
    const snapshot = { ...before };
    const result = moveStage(from, to, before, at);
    expect(before).toEqual(snapshot);
    if (expected === null) {
      expect(result).toEqual({ ok: false, error: moveOrError });
      return;
    }
    const [identifiedAt, monitoringAt, resolvedAt] = expected;
    expect(result).toEqual({
      ok: true,
      move: moveOrError,
      times: { declaredAt, identifiedAt, monitoringAt, resolvedAt },
    });
  });

  it('keeps times consistent with the current path for any sequence of requested moves', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...STAGES), { maxLength: 40 }), (requests) => {
        let stage: Stage = 'investigating';
        let times: StageTimes = { declaredAt, identifiedAt: null, monitoringAt: null, resolvedAt: null };
        let path = new Set<Stage>(['investigating']);
        requests.forEach((to, i) => {
          const now = new Date(declaredAt.getTime() + (i + 1) * 60_000);
          const result = moveStage(stage, to, times, now);
          const allowed = to !== stage && !(stage === 'resolved' && to === 'monitoring');
          expect(result.ok).toBe(allowed);
          if (!result.ok) return;
          const forward = STAGES.indexOf(to) > STAGES.indexOf(stage) && stage !== 'resolved';
          expect(result.move).toBe(stage === 'resolved' ? 'reopen' : forward ? 'forward' : 'back');
          path = forward
            ? new Set([...path, to])
            : new Set([...path].filter((s) => STAGES.indexOf(s) < STAGES.indexOf(to)).concat(to));
          stage = to;
          times = result.times;

          expect(times.declaredAt).toBe(declaredAt);
          expect(times.identifiedAt !== null).toBe(path.has('identified'));
          expect(times.monitoringAt !== null).toBe(path.has('monitoring'));
          expect(times.resolvedAt !== null).toBe(stage === 'resolved');
          const entered = {
            identified: times.identifiedAt,
            monitoring: times.monitoringAt,
            resolved: times.resolvedAt,
          };
          if (stage !== 'investigating') expect(entered[stage]).toBe(now);
          const set = [times.identifiedAt, times.monitoringAt, times.resolvedAt].filter((t) => t !== null);
          expect(set.map((t) => t.getTime())).toEqual([...set.map((t) => t.getTime())].sort((a, b) => a - b));
        });
      }),
    );
  });
});

describe('parseStage', () => {
  it.each(STAGES)('parses %s in any case, trimmed', (stage) => {
    expect(parseStage(stage)).toBe(stage);
    expect(parseStage(`  ${stage.toUpperCase()}\t`)).toBe(stage);
    expect(parseStage(STAGE_LABELS[stage])).toBe(stage);
  });
  it.each(['', 'resolve', 'investigate', 'fixed', 'monitoring now', 'constructor'])('refuses %j', (word) => {
    expect(parseStage(word)).toBeUndefined();
  });
});
