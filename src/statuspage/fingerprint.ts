import type { Pool } from 'pg';

/**
 * Changes whenever anything the public page shows may have changed: a publication, an incident
 * edit, a component, a postmortem or an action item. One cheap query, run at most four times a
 * second per process.
 */
export async function statusFingerprint(pool: Pick<Pool, 'query'>): Promise<string> {
  const { rows } = await pool.query<{ fingerprint: string }>(
    `SELECT concat_ws('|',
       (SELECT max("publishedAt") FROM "IncidentUpdate"),
       (SELECT count(*) FROM "IncidentUpdate" WHERE "publishedAt" IS NOT NULL),
       (SELECT max("updatedAt") FROM "Incident" WHERE NOT "isPrivate"),
       (SELECT count(*) FROM "Component"),
       (SELECT max("updatedAt") FROM "Postmortem"),
       (SELECT concat(count(*), '@', max("updatedAt")) FROM "ActionItem")) AS fingerprint`,
  );
  return rows[0]?.fingerprint ?? '';
}
