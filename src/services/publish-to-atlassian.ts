import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { componentImpactsSchema } from '../db/incident-mapping';
import type { PrismaClient } from '../db/prisma';
import { StatuspageClient, toStatuspageIncident, type SitrepComponentImpact } from '../statuspage/atlassian';
import { outboxDraft } from '../jobs/outbox-topics';

export interface AtlassianDeps {
  prisma: PrismaClient;
  client: StatuspageClient;
  componentMap: Record<string, string>;
  logger: Logger;
}

/**
 * A stable outbox row id per update, so queueing the Statuspage copy twice (a retried publish
 * job) writes one row.
 */
function atlassianRowId(updateId: string): string {
  const hex = createHash('sha256').update(`statuspage.atlassian:${updateId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export async function queueAtlassianCopy(
  db: Pick<PrismaClient, 'outboxMessage'>,
  incidentId: string,
  updateId: string,
): Promise<void> {
  const draft = outboxDraft('statuspage.atlassian', incidentId, { v: 1, incidentId, updateId });
  await db.outboxMessage.createMany({
    data: [{ id: atlassianRowId(updateId), ...draft }],
    skipDuplicates: true,
  });
}

/**
 * Sends one published update to Atlassian Statuspage: the first creates the incident there, later
 * ones update it. Components without an entry in the component map are left out, and logged.
 */
export async function publishToAtlassian(
  deps: AtlassianDeps,
  incidentId: string,
  updateId: string,
): Promise<void> {
  const update = await deps.prisma.incidentUpdate.findUniqueOrThrow({
    where: { id: updateId },
    include: { incident: true },
  });
  if (update.incident.isPrivate || !update.publishedAt) return;
  // Jobs can run out of order (backoff, rate limits): never let an older update overwrite a newer
  // state on Statuspage. The newer update's own job carries the current state.
  const newer = await deps.prisma.incidentUpdate.count({
    where: { incidentId, publishedAt: { not: null }, postedAt: { gt: update.postedAt } },
  });
  if (newer > 0 && update.incident.statuspageIncidentId) return;
  const impacts = componentImpactsSchema.parse(update.componentImpacts ?? []);
  const components = await deps.prisma.component.findMany({
    where: { id: { in: impacts.map((i) => i.componentId) } },
    include: { group: true },
  });
  const byId = new Map(components.map((c) => [c.id, c]));
  const { input, unmapped } = toStatuspageIncident({
    title: update.incident.title,
    stage: update.status,
    body: update.publicMessage,
    componentImpacts: impacts.flatMap((i) => {
      const component = byId.get(i.componentId);
      return component
        ? [
            {
              componentName: component.name,
              group: component.group?.name ?? null,
              impact: i.impact as SitrepComponentImpact,
            },
          ]
        : [];
    }),
    componentMap: deps.componentMap,
    notify: update.notifySubscribers,
  });
  if (unmapped.length > 0) {
    deps.logger.warn(
      { event: 'statuspage_unmapped_components', unmapped },
      `Not on Statuspage (no STATUSPAGE_COMPONENT_MAP entry): ${unmapped.join(', ')}`,
    );
  }
  const existing = update.incident.statuspageIncidentId;
  if (existing) {
    await deps.client.updateIncident(existing, input);
    return;
  }
  const created = await deps.client.createIncident(input);
  await deps.prisma.incident.update({
    where: { id: incidentId },
    data: { statuspageIncidentId: created.id },
  });
}
