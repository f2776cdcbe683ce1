import { SEVERITIES, parseSeverity, type Severity } from './severity';

/** How long an active incident may go without a public update, per severity (milliseconds). */
export type NudgeIntervals = Record<Severity, number>;

export const DEFAULT_NUDGE_INTERVALS: NudgeIntervals = {
  SEV1: 30 * 60_000,
  SEV2: 60 * 60_000,
  SEV3: 120 * 60_000,
  SEV4: 240 * 60_000,
};

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000 } as const;

/**
 * Reads `SEV1=30m,SEV2=1h,SEV3=2h,SEV4=4h` (units s, m, h; a plain number means minutes). Severities
 * left out keep their default. Returns an error message for anything else.
 */
export function parseNudgeIntervals(text: string): NudgeIntervals | string {
  const intervals = { ...DEFAULT_NUDGE_INTERVALS };
  for (const entry of text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const match = /^([^=\s]+)\s*=\s*(\d+)\s*([smh]?)$/i.exec(entry);
    const severity = match && parseSeverity(match[1]!);
    if (!match || !severity) return `expected entries like SEV1=30m,SEV2=60m (units s, m, h); got "${entry}"`;
    const ms = Number(match[2]) * UNIT_MS[(match[3]?.toLowerCase() || 'm') as keyof typeof UNIT_MS];
    if (ms < 1000 || ms > 7 * 24 * 3_600_000)
      return `the interval of ${severity} must be from 1s to 7 days; got "${entry}"`;
    intervals[severity] = ms;
  }
  return intervals;
}

export function describeNudgeIntervals(intervals: NudgeIntervals): string {
  return SEVERITIES.map((s) => `${s}=${Math.round(intervals[s] / 1000)}s`).join(',');
}

export interface NudgeInput {
  /** When the latest update was posted (the declaration counts as the first one). */
  lastUpdateAt: Date;
  intervalMs: number;
  /** When the incident's latest nudge was sent, if ever. */
  lastNudgedAt: Date | null;
  now: Date;
}

export interface NudgeDecision {
  due: boolean;
  /**
   * Start of the stale period `now` falls in (lastUpdateAt + k × interval, k ≥ 1), or null while the
   * incident is not stale. One nudge per period: it is the nudge's identity.
   */
  periodStartedAt: Date | null;
  /** When the next nudge could be due if nothing changes. */
  nextCheckAt: Date;
}

/**
 * An incident is stale once `interval` has passed since its last update; the lead then gets one
 * nudge, and another each further interval without an update. Never two in one period.
 */
export function decideNudge(input: NudgeInput): NudgeDecision {
  const last = input.lastUpdateAt.getTime();
  const interval = input.intervalMs;
  if (!(interval > 0)) throw new RangeError('decideNudge: the interval must be positive');
  const elapsed = input.now.getTime() - last;
  if (elapsed < interval)
    return { due: false, periodStartedAt: null, nextCheckAt: new Date(last + interval) };
  const periodStart = last + Math.floor(elapsed / interval) * interval;
  const alreadyNudged = input.lastNudgedAt !== null && input.lastNudgedAt.getTime() >= periodStart;
  return {
    due: !alreadyNudged,
    periodStartedAt: new Date(periodStart),
    nextCheckAt: new Date(alreadyNudged ? periodStart + interval : input.now.getTime()),
  };
}
