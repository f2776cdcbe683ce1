import type { WebClient } from '@slack/web-api';
import { incidentKey, stageOf } from '../db/incident-mapping';
import type { PrismaClient } from '../db/prisma';
import { STAGE_LABELS } from '../domain/stages';
import type { Logger } from 'pino';
import { queueAtlassianCopy } from './publish-to-atlassian';

export interface PublishDeps {
  prisma: PrismaClient;
  /** Public base URL of the status page, without a trailing slash. */
  pageUrl: string;
  slack?: WebClient;
  /** Also send published updates to Atlassian Statuspage. */
  atlassian?: boolean;
  logger?: Logger;
  now?: () => Date;
}

export function incidentPageUrl(pageUrl: string, incidentId: string): string {
  return `${pageUrl}/incidents/${encodeURIComponent(incidentId)}`;
}

/**
 * Puts one update on the public status page. Publishing is a timestamp on the update, set once:
 * a retried or duplicated job finds it set and changes nothing, so an update appears once. The
 * Statuspage copy is queued in the same transaction, so it cannot be lost in between. The
 * confirmation in the incident channel is a courtesy: when Slack refuses it, the update is
 * still public and nothing is retried.
 */
export async function publishStatusUpdate(
  deps: PublishDeps,
  incidentId: string,
  updateId: string,
): Promise<boolean> {
  const published = await deps.prisma.$transaction(async (tx) => {
    const { count } = await tx.incidentUpdate.updateMany({
      where: { id: updateId, incidentId, publishedAt: null, incident: { isPrivate: false } },
      data: { publishedAt: (deps.now ?? (() => new Date()))() },
    });
    if (count === 1 && deps.atlassian) await queueAtlassianCopy(tx, incidentId, updateId);
    return count === 1;
  });
  if (published && deps.slack) {
    await confirmInChannel(deps, deps.slack, incidentId, updateId).catch((error: Error) =>
      deps.logger?.warn(
        { err: error, event: 'publish_confirmation_failed' },
        `Could not confirm the publication in Slack: ${error.message}`,
      ),
    );
  }
  return published;
}

async function confirmInChannel(
  deps: PublishDeps,
  slack: WebClient,
  incidentId: string,
  updateId: string,
): Promise<void> {
  const update = await deps.prisma.incidentUpdate.findUniqueOrThrow({
    where: { id: updateId },
    include: { incident: true },
  });
  const channel = update.incident.slackChannelId;
  if (!channel) return;
  const link = incidentPageUrl(deps.pageUrl, incidentId);
  await slack.chat.postMessage({
    channel,
    text: `:globe_with_meridians: ${incidentKey(update.incident)} ${STAGE_LABELS[stageOf(update.status)]} update published on the status page: <${link}|${link}>`,
    unfurl_links: false,
  });
}
