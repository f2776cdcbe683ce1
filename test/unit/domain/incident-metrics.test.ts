import fc from 'fast-check';
import {
  MEASURES,
  incidentMetrics,
  median,
  summarizeBySeverity,
  type IncidentTimes,
} from '../../../src/domain/incident-metrics';
import { SEVERITIES } from '../../../src/domain/severity';

const MIN = 60_000;
const at = (iso: string) => new Date(iso);

// The seed incident: declared 22:51 PST, identified 23:15, monitoring 02:10, resolved 02:21;
// impact 23:30 – 02:21 PST.
const SEED: IncidentTimes = {
  declaredAt: at('2026-02-13T06:51:00Z'),
  identifiedAt: at('2026-02-13T07:15:00Z'),
  monitoringAt: at('2026-02-13T10:10:00Z'),
  resolvedAt: at('2026-02-13T10:21:00Z'),
  impactStartedAt: at('2026-02-13T07:30:00Z'),
  impactEndedAt: at('2026-02-13T10:21:00Z'),
};

describe('incidentMetrics', () => {
  it('measures the seed incident from its declaration, and the impact from its window', () => {
    expect(incidentMetrics(SEED)).toEqual({
      identify: 24 * MIN,
      mitigate: 199 * MIN,
      resolve: 210 * MIN, // 3.5 hours
      impact: 171 * MIN,
    });
  });

  it('leaves out what was not reached', () => {
    expect(
      incidentMetrics({
        ...SEED,
        identifiedAt: null,
        monitoringAt: null,
        resolvedAt: null,
        impactEndedAt: null,
      }),
    ).toEqual({ identify: null, mitigate: null, resolve: null, impact: null });
  });

  it('counts a skipped stage as reached by the later one', () => {
    const straightToResolved = { ...SEED, identifiedAt: null, monitoringAt: null };
    expect(incidentMetrics(straightToResolved)).toMatchObject({
      identify: 210 * MIN,
      mitigate: 210 * MIN,
      resolve: 210 * MIN,
    });
  });

  it('measures the impact from the declaration when no start was recorded', () => {
    expect(incidentMetrics({ ...SEED, impactStartedAt: null }).impact).toBe(210 * MIN);
  });

  it('drops negative durations (clock skew) instead of reporting them', () => {
    expect(incidentMetrics({ ...SEED, identifiedAt: at('2026-02-13T06:00:00Z') }).identify).toBeNull();
  });

  it('never reports a negative duration and keeps identify ≤ mitigate ≤ resolve on a forward path', () => {
    const offset = fc.integer({ min: 0, max: 10 * 24 * 60 });
    fc.assert(
      fc.property(
        offset,
        offset,
        offset,
        fc.boolean(),
        fc.boolean(),
        (a, b, c, hasIdentified, hasMonitoring) => {
          const declared = SEED.declaredAt.getTime();
          const identifiedAt = new Date(declared + a * MIN);
          const monitoringAt = new Date(identifiedAt.getTime() + b * MIN);
          const resolvedAt = new Date(monitoringAt.getTime() + c * MIN);
          const m = incidentMetrics({
            ...SEED,
            identifiedAt: hasIdentified ? identifiedAt : null,
            monitoringAt: hasMonitoring ? monitoringAt : null,
            resolvedAt,
          });
          for (const measure of MEASURES) expect(m[measure] === null || m[measure]! >= 0).toBe(true);
          expect(m.identify!).toBeLessThanOrEqual(m.mitigate!);
          expect(m.mitigate!).toBeLessThanOrEqual(m.resolve!);
        },
      ),
    );
  });
});

describe('median', () => {
  it('is the middle value, or the mean of the two middle ones', () => {
    expect(median([])).toBeUndefined();
    expect(median([5])).toBe(5);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('lies within min and max, and does not depend on order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1e9 }), { minLength: 1 }), (values) => {
        const m = median(values)!;
        expect(m).toBeGreaterThanOrEqual(Math.min(...values));
        expect(m).toBeLessThanOrEqual(Math.max(...values));
        expect(median([...values].reverse())).toBe(m);
      }),
    );
  });
});

describe('summarizeBySeverity', () => {
  it('gives every severity, medians over the incidents that reached each measure', () => {
    const metrics = (resolve: number | null) => ({ identify: 10, mitigate: 20, resolve, impact: null });
    const summary = summarizeBySeverity([
      { severity: 'SEV1', metrics: metrics(100) },
      { severity: 'SEV1', metrics: metrics(300) },
      { severity: 'SEV1', metrics: metrics(null) },
      { severity: 'SEV3', metrics: metrics(50) },
    ]);
    expect(summary.map((s) => s.severity)).toEqual([...SEVERITIES]);
    expect(summary[0]).toEqual({
      severity: 'SEV1',
      incidents: 3,
      measures: {
        identify: { count: 3, median: 10, min: 10, max: 10 },
        mitigate: { count: 3, median: 20, min: 20, max: 20 },
        resolve: { count: 2, median: 200, min: 100, max: 300 },
      },
    });
    expect(summary[1]).toEqual({ severity: 'SEV2', incidents: 0, measures: {} });
  });

  it('keeps every median within its min and max, and counts within the incidents', () => {
    const value = fc.option(fc.integer({ min: 0, max: 1e8 }), { nil: null });
    const incident = fc.record({
      severity: fc.constantFrom(...SEVERITIES),
      metrics: fc.record({ identify: value, mitigate: value, resolve: value, impact: value }),
    });
    fc.assert(
      fc.property(fc.array(incident), (incidents) => {
        const summary = summarizeBySeverity(incidents);
        expect(summary.reduce((n, s) => n + s.incidents, 0)).toBe(incidents.length);
        for (const s of summary) {
          for (const m of Object.values(s.measures)) {
            expect(m.count).toBeGreaterThan(0);
            expect(m.count).toBeLessThanOrEqual(s.incidents);
            expect(m.median).toBeGreaterThanOrEqual(m.min);
            expect(m.median).toBeLessThanOrEqual(m.max);
          }
        }
      }),
    );
  });
});
