import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { describeSchemaProblems, type SchemaProblem } from './migration-history';
import type { LocalMigration } from './migrations-directory';
import { findSchemaProblems } from './schema-check';

export type SchemaStatus =
  | { state: 'ok'; migrations: number }
  | { state: 'mismatch'; problems: SchemaProblem[] }
  | { state: 'unreachable'; error: string };

/**
 * Knows whether the database schema matches the migrations this build ships. The seed
 * incident was an application serving on a schema it did not match; Sitrep checks before it
 * serves, on every readiness probe, and (through `cached`) before handling Slack requests.
 */
export class SchemaGuard {
  private last: { status: SchemaStatus; at: number } | undefined;
  private inFlight: Promise<SchemaStatus> | undefined;

  constructor(
    private readonly deps: {
      pool: Pick<Pool, 'query'>;
      localMigrations: LocalMigration[];
      logger: Logger;
      onStatus?: (status: SchemaStatus) => void;
      /** How long `cached` may reuse a result. */
      maxAgeMs?: number;
      now?: () => number;
    },
  ) {}

  get current(): SchemaStatus | undefined {
    return this.last?.status;
  }

  /** Queries the database now (concurrent callers share one query). */
  check(): Promise<SchemaStatus> {
    this.inFlight ??= this.query().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  async cached(): Promise<SchemaStatus> {
    const now = (this.deps.now ?? Date.now)();
    if (this.last && now - this.last.at < (this.deps.maxAgeMs ?? 5000)) return this.last.status;
    return this.check();
  }

  private async query(): Promise<SchemaStatus> {
    let status: SchemaStatus;
    try {
      const problems = await findSchemaProblems(this.deps.pool, this.deps.localMigrations);
      status =
        problems.length === 0
          ? { state: 'ok', migrations: this.deps.localMigrations.length }
          : { state: 'mismatch', problems };
    } catch (error) {
      status = { state: 'unreachable', error: (error as Error).message };
    }
    this.report(status);
    this.last = { status, at: (this.deps.now ?? Date.now)() };
    this.deps.onStatus?.(status);
    return status;
  }

  /** One clear log line per change of state, not one per probe. */
  private report(status: SchemaStatus): void {
    const previous = this.last?.status;
    const key = (s: SchemaStatus | undefined) =>
      s?.state === 'mismatch' ? JSON.stringify(s.problems) : s?.state;
    if (key(previous) === key(status)) return;
    const { logger } = this.deps;
    if (status.state === 'mismatch') {
      logger.error(
        { event: 'schema_mismatch', problems: status.problems },
        `Database schema does not match this build (${describeSchemaProblems(status.problems)}): not serving until fixed. ${status.problems.map((p) => p.action).join(' ')}`,
      );
    } else if (status.state === 'unreachable') {
      logger.error(
        { event: 'schema_unreachable', error: status.error },
        `Cannot check the database schema: ${status.error}`,
      );
    } else if (previous) {
      logger.info({ event: 'schema_ok' }, 'Database schema matches this build again');
    }
  }
}
