import type { Pool } from 'pg';
import { z } from 'zod';

const timestamp = z.date();
const incidentRowSchema = z.object({
  id: z.string(),
  number: z.number().int(),
  status: z.enum(['INVESTIGATING', 'IDENTIFIED', 'MONITORING', 'RESOLVED']),
  severity: z.enum(['SEV1', 'SEV2', 'SEV3', 'SEV4']),
  isPrivate: z.boolean(),
  version: z.number().int(),
  declaredAt: timestamp,
  identifiedAt: timestamp.nullable(),
  monitoringAt: timestamp.nullable(),
  resolvedAt: timestamp.nullable(),
  roles: z.array(z.object({ role: z.string(), userId: z.string() })),
  componentIds: z.array(z.string()),
});

/** An incident as an update modal's submission is checked against before its ack. */
export type IncidentForSubmission = z.infer<typeof incidentRowSchema>;

/**
 * One round trip instead of Prisma's three (the incident, then its components, then its roles):
 * this runs before every update modal's ack. Prisma stores DateTime as `timestamp` in UTC, which
 * pg would read in the process's local zone, so the times are turned into `timestamptz` here.
 */
export async function loadIncidentForSubmission(
  pool: Pick<Pool, 'query'>,
  incidentId: string,
): Promise<IncidentForSubmission | undefined> {
  const result = await pool.query(
    `SELECT i.id::text, i.number, i.status::text, i.severity::text, i."isPrivate", i.version,
            i."declaredAt" AT TIME ZONE 'UTC' AS "declaredAt",
            i."identifiedAt" AT TIME ZONE 'UTC' AS "identifiedAt",
            i."monitoringAt" AT TIME ZONE 'UTC' AS "monitoringAt",
            i."resolvedAt" AT TIME ZONE 'UTC' AS "resolvedAt",
            COALESCE((SELECT json_agg(json_build_object('role', r.role, 'userId', r."userId"))
                        FROM "IncidentRole" r WHERE r."incidentId" = i.id), '[]') AS roles,
            ARRAY(SELECT c."componentId"::text FROM "IncidentComponent" c WHERE c."incidentId" = i.id) AS "componentIds"
       FROM "Incident" i
      WHERE i.id = $1::uuid`,
    [incidentId],
  );
  return result.rows[0] ? incidentRowSchema.parse(result.rows[0]) : undefined;
}
