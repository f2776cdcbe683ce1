import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per process (not prom-client's global one), so tests can build several apps. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'sitrep_' });
  return {
    registry,
    httpRequests: new Counter({
      name: 'sitrep_http_requests_total',
      help: 'HTTP requests served, by route and status code',
      labelNames: ['route', 'method', 'status'] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'sitrep_http_request_duration_seconds',
      help: 'HTTP request duration, by route',
      labelNames: ['route'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    schemaReady: new Gauge({
      name: 'sitrep_schema_ready',
      help: '1 when the database schema matches the migrations this build ships, else 0',
      registers: [registry],
    }),
    migrationsApplied: new Counter({
      name: 'sitrep_migrations_applied_total',
      help: 'Migrations this process applied at boot',
      registers: [registry],
    }),
    jobsProcessed: new Counter({
      name: 'sitrep_jobs_processed_total',
      help: 'Background jobs finished, by queue and outcome',
      labelNames: ['queue', 'outcome'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
