/**
 * Shared by the bad-input runs: a fingerprint of everything stored (so a run can prove it changed
 * nothing), and the case counter written to artifacts/fuzz-summary.json.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/db/migrations-directory';
import type { TestDatabase } from '../support/database';

/** The tables that hold what responders stored; a refused request must leave them as they were. */
const STORED_TABLES = [
  'Incident',
  'IncidentRole',
  'IncidentUpdate',
  'TimelineEvent',
  'IncidentComponent',
  'Component',
  'ComponentGroup',
  'Postmortem',
  'ActionItem',
  'OutboxMessage',
];

export async function storedFingerprint(db: TestDatabase): Promise<Record<string, string>> {
  const fingerprint: Record<string, string> = {};
  for (const table of STORED_TABLES) {
    const [row] = await db.query<{ n: string; digest: string | null }>(
      `SELECT count(*) AS n, md5(string_agg(t::text, '|' ORDER BY t::text)) AS digest FROM "${table}" t`,
    );
    fingerprint[table] = `${row!.n}:${row!.digest ?? '-'}`;
  }
  return fingerprint;
}

export interface CaseCounter {
  count(group: string, status: number): void;
  totals(): {
    cases: number;
    serverErrors: number;
    byGroup: Record<string, number>;
    byStatus: Record<string, number>;
  };
  /** Adds this file's totals to artifacts/fuzz-summary.json and returns them. */
  record(file: string): ReturnType<CaseCounter['totals']>;
}

export function caseCounter(): CaseCounter {
  const byGroup: Record<string, number> = {};
  const byStatus: Record<string, number> = {};
  let serverErrors = 0;
  const totals = () => ({
    cases: Object.values(byGroup).reduce((a, b) => a + b, 0),
    serverErrors,
    byGroup: { ...byGroup },
    byStatus: { ...byStatus },
  });
  return {
    count(group, status) {
      byGroup[group] = (byGroup[group] ?? 0) + 1;
      byStatus[String(status)] = (byStatus[String(status)] ?? 0) + 1;
      if (status >= 500) serverErrors += 1;
    },
    totals,
    record(file) {
      const dir = join(PROJECT_ROOT, 'artifacts');
      const path = join(dir, 'fuzz-summary.json');
      mkdirSync(dir, { recursive: true });
      let summary: { files: Record<string, unknown>; cases: number; serverErrors: number } = {
        files: {},
        cases: 0,
        serverErrors: 0,
      };
      try {
        summary = JSON.parse(readFileSync(path, 'utf8')) as typeof summary;
      } catch {
        // first file of the run
      }
      const mine = { ...totals(), at: new Date().toISOString() };
      summary.files[file] = mine;
      const files = Object.values(summary.files) as { cases: number; serverErrors: number }[];
      summary.cases = files.reduce((n, f) => n + f.cases, 0);
      summary.serverErrors = files.reduce((n, f) => n + f.serverErrors, 0);
      writeFileSync(path, `${JSON.stringify(summary, null, 2)}\n`);
      console.log(`${file}: ${mine.cases} bad-input cases, ${mine.serverErrors} 5xx`, mine.byGroup);
      return mine;
    },
  };
}
