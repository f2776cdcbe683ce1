import type { Logger } from 'pino';
import type { PrismaClient } from '../db/prisma';
import { renderPostmortemMarkdown } from '../domain/postmortem-report';
import type { StatuspageClient } from '../statuspage/atlassian';
import { loadPostmortem } from './load-postmortem';

export interface AtlassianPostmortemDeps {
  prisma: PrismaClient;
  client: StatuspageClient;
  timeZone: string;
  logger: Logger;
}

/** Thrown while the incident is not on Statuspage yet: its own job may still be on the way. */
export class NotOnStatuspageYet extends Error {}

/**
 * Sends a published postmortem to Atlassian Statuspage (save the draft, then publish), as markdown
 * in the report's public form. Runs on the Statuspage queue, so it keeps to one request a second.
 */
export async function publishPostmortemToAtlassian(
  deps: AtlassianPostmortemDeps,
  payload: { incidentId: string; postmortemId: string; version: number },
): Promise<void> {
  const loaded = await loadPostmortem(deps.prisma, payload.incidentId);
  const { incident, postmortem } = loaded;
  if (incident.isPrivate || postmortem?.status !== 'PUBLISHED') return;
  if (!incident.statuspageIncidentId) {
    throw new NotOnStatuspageYet(
      `${loaded.report.incidentKey} is not on Atlassian Statuspage yet; its postmortem waits for it`,
    );
  }
  const body = renderPostmortemMarkdown(loaded.report, {
    timeZone: deps.timeZone,
    audience: 'public',
    heading: false,
  });
  await deps.client.publishPostmortem(incident.statuspageIncidentId, body);
  await deps.prisma.postmortem.update({
    where: { id: postmortem.id },
    data: { statuspagePublishedAt: new Date() },
  });
  deps.logger.info(
    { event: 'statuspage_postmortem_published', incidentId: incident.id },
    `Postmortem of ${loaded.report.incidentKey} published on Atlassian Statuspage`,
  );
}
