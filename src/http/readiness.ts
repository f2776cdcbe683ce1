import type { Pool } from 'pg';
import type { SchemaGuard, SchemaStatus } from '../db/schema-guard';
import type { SchemaProblem } from '../db/migration-history';

interface CheckResult {
  ok: boolean;
  error?: string;
}

export interface ReadinessReport {
  status: 'ready' | 'not_ready';
  reason?: string;
  checks: {
    database: CheckResult;
    redis: CheckResult;
    schema: CheckResult & { problems?: SchemaProblem[] };
  };
}

export interface ReadinessDeps {
  pool: Pick<Pool, 'query'>;
  pingRedis: () => Promise<unknown>;
  guard: SchemaGuard;
  /** Why the process is not ready regardless of the checks (booting, shutting down). */
  lifecycleReason: () => string | undefined;
  timeoutMs?: number;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function runCheck(check: () => Promise<unknown>, ms: number, what: string): Promise<CheckResult> {
  try {
    await withTimeout(check(), ms, what);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

function schemaCheckOf(status: SchemaStatus): ReadinessReport['checks']['schema'] {
  switch (status.state) {
    case 'ok':
      return { ok: true };
    case 'mismatch':
      return { ok: false, error: 'database schema is out of date for this build', problems: status.problems };
    case 'unreachable':
      return { ok: false, error: `could not read the migration history: ${status.error}` };
  }
}

export async function checkReadiness(deps: ReadinessDeps): Promise<ReadinessReport> {
  const ms = deps.timeoutMs ?? 2000;
  const [database, redis, schemaStatus] = await Promise.all([
    runCheck(() => deps.pool.query('SELECT 1'), ms, 'PostgreSQL'),
    runCheck(deps.pingRedis, ms, 'Redis'),
    withTimeout(deps.guard.check(), ms, 'the schema check').catch((error: Error): SchemaStatus => ({
      state: 'unreachable',
      error: error.message,
    })),
  ]);
  const checks = { database, redis, schema: schemaCheckOf(schemaStatus) };
  const reason = deps.lifecycleReason();
  const ready = !reason && database.ok && redis.ok && checks.schema.ok;
  return { status: ready ? 'ready' : 'not_ready', ...(reason ? { reason } : {}), checks };
}
