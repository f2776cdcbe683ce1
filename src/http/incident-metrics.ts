import { Gauge, type Registry } from 'prom-client';
import type { IncidentStats } from '../services/incident-stats';

export const INCIDENT_METRICS_WINDOW_DAYS = 30;
/** Scrapes within this time share one query; incidents do not change by the second. */
const CACHE_MS = 60_000;
const SCRAPE_WAIT_MS = 2000;

/**
 * Response-time medians per severity, computed at scrape time from the database (the same
 * numbers as `/incident stats 30`), so every process reports the truth rather than what it alone
 * has seen since it started. One query a minute at most; while the database is unreachable the
 * last numbers are served, and before the first success none.
 */
export function registerIncidentMetrics(
  registry: Registry,
  deps: { load: (since: Date) => Promise<IncidentStats>; now?: () => number; cacheMs?: number },
): void {
  const now = deps.now ?? Date.now;
  let last: IncidentStats | undefined;
  // Successful or not, the database is asked at most once per cache period.
  let attemptedAt = Number.NEGATIVE_INFINITY;
  let loading: Promise<IncidentStats | undefined> | undefined;
  const current = async (): Promise<IncidentStats | undefined> => {
    if (!loading && now() - attemptedAt < (deps.cacheMs ?? CACHE_MS)) return last;
    if (!loading) attemptedAt = now();
    loading ??= deps
      .load(new Date(now() - INCIDENT_METRICS_WINDOW_DAYS * 24 * 3600 * 1000))
      .then((stats) => {
        last = stats;
        return stats;
      })
      .catch(() => last)
      .finally(() => {
        loading = undefined;
      });
    // A scrape never waits long on a slow database: it gets the last numbers and the query goes on.
    return Promise.race([
      loading,
      new Promise<IncidentStats | undefined>((resolve) =>
        setTimeout(() => resolve(last), SCRAPE_WAIT_MS).unref(),
      ),
    ]);
  };

  new Gauge({
    name: 'sitrep_incident_median_seconds',
    help: `Median time from declaration to identified, mitigated (Monitoring) and resolved, and median impact duration, per severity, over incidents declared in the last ${INCIDENT_METRICS_WINDOW_DAYS} days`,
    labelNames: ['severity', 'measure'] as const,
    registers: [registry],
    async collect() {
      const stats = await current();
      this.reset();
      for (const s of stats?.bySeverity ?? []) {
        for (const [measure, summary] of Object.entries(s.measures)) {
          this.set({ severity: s.severity, measure }, summary.median / 1000);
        }
      }
    },
  });
  new Gauge({
    name: 'sitrep_incidents_declared_recent',
    help: `Incidents declared in the last ${INCIDENT_METRICS_WINDOW_DAYS} days, per severity`,
    labelNames: ['severity'] as const,
    registers: [registry],
    async collect() {
      const stats = await current();
      this.reset();
      for (const s of stats?.bySeverity ?? []) this.set({ severity: s.severity }, s.incidents);
    },
  });
}
