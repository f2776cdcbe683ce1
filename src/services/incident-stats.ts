import type { PrismaClient } from '../db/prisma';
import {
  incidentMetrics,
  summarizeBySeverity,
  type IncidentMetrics,
  type SeveritySummary,
} from '../domain/incident-metrics';
import type { Severity } from '../domain/severity';

export interface IncidentStats {
  since: Date;
  incidents: number;
  bySeverity: SeveritySummary[];
}

/**
 * Response times of the incidents declared since `since`, per severity. The impact window is the
 * postmortem's when one was written, since responders correct it there. Private incidents count
 * only where the audience is the team (`/incident stats`): even a count on /metrics, served on
 * the public port, would tell outsiders that a private incident exists.
 */
export async function loadIncidentStats(
  prisma: PrismaClient,
  since: Date,
  options: { includePrivate: boolean },
): Promise<IncidentStats> {
  const rows = await prisma.incident.findMany({
    where: { declaredAt: { gte: since }, ...(options.includePrivate ? {} : { isPrivate: false }) },
    select: {
      severity: true,
      declaredAt: true,
      identifiedAt: true,
      monitoringAt: true,
      resolvedAt: true,
      impactStartedAt: true,
      impactEndedAt: true,
      postmortem: { select: { impactStartedAt: true, impactEndedAt: true } },
    },
  });
  const measured: { severity: Severity; metrics: IncidentMetrics }[] = rows.map((row) => ({
    severity: row.severity as Severity,
    metrics: incidentMetrics({
      ...row,
      impactStartedAt: row.postmortem?.impactStartedAt ?? row.impactStartedAt,
      impactEndedAt: row.postmortem?.impactEndedAt ?? row.impactEndedAt,
    }),
  }));
  return { since, incidents: rows.length, bySeverity: summarizeBySeverity(measured) };
}
