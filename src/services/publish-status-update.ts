import type { WebClient } from '@slack/web-api';
import { incidentKey, stageOf } from '../db/incident-mapping';
import type { PrismaClient } from '../db/prisma';
import { STAGE_LABELS } from '../domain/stages';

export interface PublishDeps {
  prisma: PrismaClient;
  /** Public base URL of the status page, without a trailing slash. */
  pageUrl: string;
  slack?: WebClient;
  now?: () => Date;
}

export function incidentPageUrl(pageUrl: string, incidentId: string): string {
  return `${pageUrl}/incidents/${incidentId}`;
}

/**
 * Puts one update on the public status page. Publishing is a timestamp on the update, set once:
 * a retried or duplicated job finds it set and changes nothing, so an update appears once.
 * The first publication is confirmed in the incident channel with a link, when there is one.
 */
export async function publishStatusUpdate(
  deps: PublishDeps,
  incidentId: string,
  updateId: string,
): Promise<boolean> {
  const { count } = await deps.prisma.incidentUpdate.updateMany({
    where: { id: updateId, incidentId, publishedAt: null, incident: { isPrivate: false } },
    data: { publishedAt: (deps.now ?? (() => new Date()))() },
  });
  if (count === 0 || !deps.slack) return count === 1;
  const update = await deps.prisma.incidentUpdate.findUniqueOrThrow({
    where: { id: updateId },
    include: { incident: true },
  });
  const channel = update.incident.slackChannelId;
  if (channel) {
    const link = incidentPageUrl(deps.pageUrl, incidentId);
    await deps.slack.chat.postMessage({
      channel,
      text: `:globe_with_meridians: ${incidentKey(update.incident)} ${STAGE_LABELS[stageOf(update.status)]} update published on the status page: <${link}|${link}>`,
      unfurl_links: false,
    });
  }
  return true;
}
