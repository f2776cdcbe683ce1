import { z } from 'zod';
import type { IncidentSnapshot } from '../domain/incident';
import { INCIDENT_ROLES, type IncidentRoleName } from '../domain/roles';
import type { Severity } from '../domain/severity';
import type { Stage } from '../domain/stages';
import type { IncidentStatus } from '../generated/prisma/enums';
import type { Incident, IncidentRole } from '../generated/prisma/client';

/** The database stores stages in Prisma's enum spelling; the domain uses lowercase words. */
export function stageOf(status: IncidentStatus): Stage {
  return status.toLowerCase() as Stage;
}

export function statusOf(stage: Stage): IncidentStatus {
  return stage.toUpperCase() as IncidentStatus;
}

export function rolesOf(
  roles: Pick<IncidentRole, 'role' | 'userId'>[],
): Partial<Record<IncidentRoleName, string>> {
  const known = new Set<string>(INCIDENT_ROLES);
  return Object.fromEntries(roles.filter((r) => known.has(r.role)).map((r) => [r.role, r.userId]));
}

/** What the domain's decisions need of a stored incident. */
export type SnapshotSource = Pick<
  Incident,
  'status' | 'severity' | 'isPrivate' | 'declaredAt' | 'identifiedAt' | 'monitoringAt' | 'resolvedAt'
> & { roles: Pick<IncidentRole, 'role' | 'userId'>[] };

export function snapshotOf(incident: SnapshotSource): IncidentSnapshot {
  return {
    stage: stageOf(incident.status),
    severity: incident.severity as Severity,
    isPrivate: incident.isPrivate,
    times: {
      declaredAt: incident.declaredAt,
      identifiedAt: incident.identifiedAt,
      monitoringAt: incident.monitoringAt,
      resolvedAt: incident.resolvedAt,
    },
    roles: rolesOf(incident.roles),
  };
}

export function incidentKey(incident: Pick<Incident, 'number'>): string {
  return `INC-${incident.number}`;
}

/** Contract: IncidentUpdate.componentImpacts as the services write it; unreadable JSON reads as none. */
export const componentImpactsSchema = z
  .array(z.object({ componentId: z.string(), impact: z.string() }))
  .catch([]);
