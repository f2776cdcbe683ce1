import { incidentKey, rolesOf, snapshotOf } from '../../db/incident-mapping';
import type { PrismaClient } from '../../db/prisma';
import { incidentPageUrl } from '../publish-status-update';
import type { IncidentView } from '../../slack/blocks/incident-view';

export async function loadIncidentView(prisma: PrismaClient, incidentId: string, pageUrl?: string) {
  const incident = await prisma.incident.findUniqueOrThrow({
    where: { id: incidentId },
    include: { roles: true, components: { include: { component: { include: { group: true } } } } },
  });
  const snapshot = snapshotOf(incident);
  const view: IncidentView = {
    id: incident.id,
    key: incidentKey(incident),
    title: incident.title,
    summary: incident.summary,
    severity: snapshot.severity,
    stage: snapshot.stage,
    isPrivate: incident.isPrivate,
    channelId: incident.slackChannelId,
    roles: rolesOf(incident.roles),
    components: incident.components.map((c) => ({
      name: c.component.name,
      group: c.component.group?.name ?? null,
      impact: c.impact,
    })),
    times: snapshot.times,
    statusPageUrl: pageUrl && !incident.isPrivate ? incidentPageUrl(pageUrl, incident.id) : null,
  };
  return { incident, view };
}
