import { SEVERITIES, type Severity } from './severity';

/**
 * Response times of one incident, from what the stage machine stored. Each is measured from the
 * declaration (the moment Sitrep knew), except the impact duration, which is the edited impact
 * window. A stage skipped on the way (Investigating → Resolved) is reached when a later one is:
 * a resolution also identified and mitigated the problem. Durations that would be negative
 * (clocks of two hosts disagreeing) are left out rather than reported as nonsense.
 */
export interface IncidentTimes {
  declaredAt: Date;
  identifiedAt: Date | null;
  monitoringAt: Date | null;
  resolvedAt: Date | null;
  impactStartedAt: Date | null;
  impactEndedAt: Date | null;
}

export const MEASURES = ['identify', 'mitigate', 'resolve', 'impact'] as const;
export type Measure = (typeof MEASURES)[number];

export const MEASURE_LABELS: Record<Measure, string> = {
  identify: 'Time to identify',
  mitigate: 'Time to mitigate',
  resolve: 'Time to resolve',
  impact: 'Impact duration',
};

/** Milliseconds per measure; null when the incident has not got there (or the data is unusable). */
export type IncidentMetrics = Record<Measure, number | null>;

const span = (from: Date | null, to: Date | null): number | null => {
  if (!from || !to) return null;
  const ms = to.getTime() - from.getTime();
  return Number.isFinite(ms) && ms >= 0 ? ms : null;
};

export function incidentMetrics(times: IncidentTimes): IncidentMetrics {
  const mitigatedAt = times.monitoringAt ?? times.resolvedAt;
  const identifiedAt = times.identifiedAt ?? mitigatedAt;
  return {
    identify: span(times.declaredAt, identifiedAt),
    mitigate: span(times.declaredAt, mitigatedAt),
    resolve: span(times.declaredAt, times.resolvedAt),
    impact: span(times.impactStartedAt ?? times.declaredAt, times.impactEndedAt),
  };
}

/** The middle value (mean of the two middle ones for an even count); undefined for no values. */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface MeasureSummary {
  /** Incidents that reached this measure. */
  count: number;
  median: number;
  min: number;
  max: number;
}

export interface SeveritySummary {
  severity: Severity;
  /** Incidents of this severity in the period, reached every measure or not. */
  incidents: number;
  measures: Partial<Record<Measure, MeasureSummary>>;
}

/** Per severity (SEV1 first), the medians of every measure over the incidents that reached it. */
export function summarizeBySeverity(
  incidents: readonly { severity: Severity; metrics: IncidentMetrics }[],
): SeveritySummary[] {
  return SEVERITIES.map((severity) => {
    const mine = incidents.filter((i) => i.severity === severity);
    const measures: SeveritySummary['measures'] = {};
    for (const measure of MEASURES) {
      const values = mine.flatMap((i) => {
        const value = i.metrics[measure];
        return value === null ? [] : [value];
      });
      const middle = median(values);
      if (middle === undefined) continue;
      measures[measure] = {
        count: values.length,
        median: middle,
        min: Math.min(...values),
        max: Math.max(...values),
      };
    }
    return { severity, incidents: mine.length, measures };
  });
}
