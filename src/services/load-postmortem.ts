import { incidentKey, stageOf } from '../db/incident-mapping';
import type { PrismaClient } from '../db/prisma';
import { incidentMetrics } from '../domain/incident-metrics';
import type { PostmortemReport, PostmortemSections, ReportActionItem } from '../domain/postmortem-report';
import type { Severity } from '../domain/severity';
import type { ActionItem } from '../generated/prisma/client';

/** "Prod Eu1 (Software Engineering Insights (SEI))", as the status page names a component. */
export function componentLabel(component: { name: string; group: { name: string } | null }): string {
  return component.group ? `${component.name} (${component.group.name})` : component.name;
}

export function reportActionItem(item: ActionItem): ReportActionItem {
  return {
    title: item.title,
    ownerId: item.ownerId,
    dueAt: item.dueAt,
    priority: item.priority.toLowerCase() as ReportActionItem['priority'],
    state: item.state.toLowerCase() as ReportActionItem['state'],
  };
}

export type PostmortemDraftValues = PostmortemSections;

const bullets = (labels: string[]) => labels.map((label) => `• ${label}`).join('\n');

/**
 * Everything Sitrep knows for a postmortem: the saved draft, or else values prefilled from the
 * incident (impact window from the incident, affected and unaffected components, the summary),
 * its stage times and public updates, and its action items.
 */
export async function loadPostmortem(prisma: PrismaClient, incidentId: string) {
  const [incident, components] = await Promise.all([
    prisma.incident.findUniqueOrThrow({
      where: { id: incidentId },
      include: {
        postmortem: true,
        components: { include: { component: { include: { group: true } } } },
        updates: { orderBy: [{ postedAt: 'asc' }, { id: 'asc' }] },
        actionItems: { orderBy: [{ position: 'asc' }, { createdAt: 'asc' }] },
        roles: true,
      },
    }),
    prisma.component.findMany({
      include: { group: true },
      orderBy: [{ group: { position: 'asc' } }, { position: 'asc' }, { name: 'asc' }],
    }),
  ]);
  const affectedIds = new Set(incident.components.map((c) => c.componentId));
  const affected = components.filter((c) => affectedIds.has(c.id)).map(componentLabel);
  const notAffected = components.filter((c) => !affectedIds.has(c.id)).map(componentLabel);
  const saved = incident.postmortem;
  const values: PostmortemDraftValues = saved
    ? {
        summary: saved.summary,
        rootCause: saved.rootCause,
        impact: saved.impact,
        notImpacted: saved.notImpacted,
        remediation: saved.remediation,
        impactStartedAt: saved.impactStartedAt,
        impactEndedAt: saved.impactEndedAt,
      }
    : {
        summary: incident.summary || (incident.updates[0]?.publicMessage ?? ''),
        rootCause: '',
        impact:
          affected.length > 0
            ? `The following were impacted during the incident window:\n\n${bullets(affected)}`
            : '',
        notImpacted:
          notAffected.length > 0
            ? `The following remained fully operational:\n\n${bullets(notAffected)}`
            : '',
        remediation: '',
        impactStartedAt: incident.impactStartedAt ?? incident.declaredAt,
        impactEndedAt: incident.impactEndedAt ?? incident.resolvedAt,
      };
  const metrics = incidentMetrics({
    declaredAt: incident.declaredAt,
    identifiedAt: incident.identifiedAt,
    monitoringAt: incident.monitoringAt,
    resolvedAt: incident.resolvedAt,
    impactStartedAt: values.impactStartedAt,
    impactEndedAt: values.impactEndedAt,
  });
  const report: PostmortemReport = {
    incidentKey: incidentKey(incident),
    title: incident.title,
    ...values,
    actionItems: incident.actionItems.map(reportActionItem),
    updates: incident.updates.map((u) => ({
      stage: stageOf(u.status),
      body: u.publicMessage,
      postedAt: u.postedAt,
    })),
    metrics,
    published: saved?.status === 'PUBLISHED',
  };
  return {
    incident,
    severity: incident.severity as Severity,
    postmortem: saved,
    values,
    affected,
    notAffected,
    report,
  };
}

export type LoadedPostmortem = Awaited<ReturnType<typeof loadPostmortem>>;
