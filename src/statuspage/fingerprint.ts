import type { Pool } from 'pg';

/**
 * Changes whenever anything the public page shows may have changed: a publication, an incident
 * edit, a component or a postmortem. One cheap query, run at most four times a second per process.
 */
export async function statusFingerprint(pool: Pick<Pool, 'query'>): Promise<string> {
  const { rows } = await pool.query<{ fingerprint: string }>(
    `SELECT concat_ws('|',
       (SELECT max("publishedAt") FROM "IncidentUpdate"),
       (SELECT count(*) FROM "IncidentUpdate" WHERE "publishedAt" IS NOT NULL),
       (SELECT max("updatedAt") FROM "Incident" WHERE NOT "isPrivate"),
       (SELECT count(*) FROM "Component"),
       (SELECT max("updatedAt") FROM "Postmortem")) AS fingerprint`,
  );
  return rows[0]?.fingerprint ?? '';
}
