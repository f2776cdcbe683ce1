import { componentImpactsSchema, stageOf } from '../db/incident-mapping';
import type { PrismaClient } from '../db/prisma';
import type { Severity } from '../domain/severity';
import { describeImpactWindow } from '../domain/postmortem-report';
import type {
  ComponentStatusName,
  Impact,
  PublicComponent,
  PublicIncident,
  StatusSnapshot,
} from './render/model';

export interface PageSettings {
  id: string;
  name: string;
  url: string;
  timeZone: string;
}

const IMPACT_OF_SEVERITY: Record<Severity, Impact> = {
  SEV1: 'critical',
  SEV2: 'major',
  SEV3: 'minor',
  SEV4: 'none',
};
const STATUS_RANK: ComponentStatusName[] = [
  'operational',
  'under_maintenance',
  'degraded_performance',
  'partial_outage',
  'major_outage',
];

const statusName = (impact: string) => impact.toLowerCase() as ComponentStatusName;
const worse = (a: ComponentStatusName, b: ComponentStatusName) =>
  STATUS_RANK.indexOf(a) >= STATUS_RANK.indexOf(b) ? a : b;

/**
 * Everything the public status page shows, read in one go: public incidents with at least one
 * published update, their published updates only (never internal notes), and each component's
 * status derived from the incidents still open.
 */
export async function loadStatusSnapshot(
  prisma: PrismaClient,
  page: PageSettings,
  now = new Date(),
): Promise<StatusSnapshot> {
  const [components, incidents] = await Promise.all([
    prisma.component.findMany({
      include: { group: true },
      orderBy: [{ group: { position: 'asc' } }, { position: 'asc' }],
    }),
    prisma.incident.findMany({
      where: { isPrivate: false, updates: { some: { publishedAt: { not: null } } } },
      orderBy: { declaredAt: 'desc' },
      take: 200,
      include: {
        components: true,
        updates: { where: { publishedAt: { not: null } }, orderBy: [{ postedAt: 'desc' }, { id: 'desc' }] },
        postmortem: true,
        actionItems: {
          where: { state: { not: 'WONT_DO' } },
          orderBy: [{ position: 'asc' }, { createdAt: 'asc' }],
          select: { title: true },
        },
      },
    }),
  ]);

  // A component's status is what the latest *published* update of each open incident said, so the
  // page never shows an impact that was recorded but not yet (or never) published.
  const current = new Map<string, ComponentStatusName>();
  for (const incident of incidents) {
    const latest = incident.updates[0];
    if (!latest || latest.status === 'RESOLVED') continue;
    for (const entry of componentImpactsSchema.parse(latest.componentImpacts ?? [])) {
      current.set(
        entry.componentId,
        worse(current.get(entry.componentId) ?? 'operational', statusName(entry.impact)),
      );
    }
  }
  const publicComponents = new Map<string, PublicComponent>(
    components.map((c) => [
      c.id,
      {
        id: c.id,
        name: c.name,
        group: c.group?.name ?? null,
        status: current.get(c.id) ?? 'operational',
        description: c.description,
        position: c.position,
        updatedAt: now,
      },
    ]),
  );

  const publicIncidents: PublicIncident[] = incidents.map((incident) => {
    const updates = incident.updates.map((update) => ({
      id: update.id,
      stage: stageOf(update.status),
      body: update.publicMessage,
      postedAt: update.postedAt,
      affected: componentImpactsSchema.parse(update.componentImpacts ?? []).flatMap((entry) => {
        const component = publicComponents.get(entry.componentId);
        return component
          ? [
              {
                componentId: component.id,
                name: component.name,
                group: component.group,
                newStatus: statusName(entry.impact),
              },
            ]
          : [];
      }),
    }));
    const postmortem = incident.postmortem?.status === 'PUBLISHED' ? incident.postmortem : null;
    const start = postmortem?.impactStartedAt ?? incident.impactStartedAt ?? incident.declaredAt;
    const end = postmortem?.impactEndedAt ?? incident.impactEndedAt;
    // The public stage is that of the latest published update: the page never runs ahead of
    // what it has told readers.
    const stage = updates[0]?.stage ?? stageOf(incident.status);
    return {
      id: incident.id,
      name: incident.title,
      stage,
      impact: IMPACT_OF_SEVERITY[incident.severity as Severity],
      createdAt: incident.declaredAt,
      updatedAt: updates[0]?.postedAt ?? incident.updatedAt,
      startedAt: incident.impactStartedAt ?? incident.declaredAt,
      monitoringAt: stage === 'monitoring' || stage === 'resolved' ? incident.monitoringAt : null,
      resolvedAt: stage === 'resolved' ? incident.resolvedAt : null,
      // In the page's order (group, then position), as "This incident affected: …" lists them.
      components: [...publicComponents.values()].filter((c) =>
        incident.components.some((a) => a.componentId === c.id),
      ),
      updates,
      postmortem: postmortem
        ? {
            publishedAt: postmortem.publishedAt ?? postmortem.updatedAt,
            summary: postmortem.summary,
            rootCause: postmortem.rootCause,
            impact: postmortem.impact,
            duration: end ? describeImpactWindow(start, end, page.timeZone) : '',
            notImpacted: postmortem.notImpacted,
            remediation: postmortem.remediation,
            // Every action item of the incident, however it was added, minus the dropped ones.
            actionItems: incident.actionItems.map((item) => item.title),
          }
        : null,
    };
  });

  return { page, components: [...publicComponents.values()], incidents: publicIncidents, generatedAt: now };
}
