import { Registry } from 'prom-client';
import { incidentMetrics, summarizeBySeverity } from '../../src/domain/incident-metrics';
import { registerIncidentMetrics } from '../../src/http/incident-metrics';
import type { IncidentStats } from '../../src/services/incident-stats';

const T = new Date('2026-02-13T06:51:00Z');
const stats = (resolveMinutes: number): IncidentStats => ({
  since: T,
  incidents: 1,
  bySeverity: summarizeBySeverity([
    {
      severity: 'SEV2',
      metrics: incidentMetrics({
        declaredAt: T,
        identifiedAt: null,
        monitoringAt: null,
        resolvedAt: new Date(T.getTime() + resolveMinutes * 60_000),
        impactStartedAt: null,
        impactEndedAt: null,
      }),
    },
  ]),
});

describe('incident metrics on /metrics', () => {
  it('queries at most once per cache period, and serves the last numbers while the database fails', async () => {
    const registry = new Registry();
    let clock = 0;
    let calls = 0;
    let next: () => Promise<IncidentStats> = async () => stats(210);
    registerIncidentMetrics(registry, {
      load: () => {
        calls += 1;
        return next();
      },
      now: () => clock,
      cacheMs: 60_000,
    });
    const first = await registry.metrics();
    expect(first).toContain('sitrep_incident_median_seconds{severity="SEV2",measure="resolve"} 12600');
    expect(first).toContain('sitrep_incidents_declared_recent{severity="SEV2"} 1');
    expect(first).toContain('sitrep_incidents_declared_recent{severity="SEV1"} 0');
    await registry.metrics();
    expect(calls).toBe(1);

    clock = 61_000;
    next = async () => {
      throw new Error('database is down');
    };
    expect(await registry.metrics()).toContain('measure="resolve"} 12600');
    expect(await registry.metrics()).toContain('measure="resolve"} 12600');
    expect(calls).toBe(2); // a failing database is not asked again within the period either

    clock = 130_000;
    next = async () => stats(60);
    expect(await registry.metrics()).toContain('measure="resolve"} 3600');
  });

  it('reports nothing before the first successful load rather than zeros', async () => {
    const registry = new Registry();
    registerIncidentMetrics(registry, {
      load: async () => {
        throw new Error('database is down');
      },
    });
    const text = await registry.metrics();
    expect(text).not.toMatch(/sitrep_incident_median_seconds\{/);
    expect(text).not.toMatch(/sitrep_incidents_declared_recent\{/);
  });
});
