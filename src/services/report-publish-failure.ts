import type { WebClient } from '@slack/web-api';
import { incidentKey } from '../db/incident-mapping';
import type { PrismaClient } from '../db/prisma';
import { escapeMrkdwn, truncate } from '../domain/mrkdwn';

/**
 * Tells the incident channel that an update could not reach the status page, so responders can
 * act (post it again, or tell customers another way) instead of assuming it went out.
 */
export async function reportPublishFailure(
  deps: { prisma: PrismaClient; slack: WebClient },
  incidentId: string,
  reason: string,
): Promise<void> {
  const incident = await deps.prisma.incident.findUnique({ where: { id: incidentId } });
  if (!incident?.slackChannelId) return;
  await deps.slack.chat.postMessage({
    channel: incident.slackChannelId,
    text: `:warning: ${incidentKey(incident)}: an update could not be published on the status page and will not be retried: ${truncate(escapeMrkdwn(reason), 500)}. Post a new update to try again.`,
  });
}
