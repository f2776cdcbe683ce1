import { createHash } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { PrismaClient } from '../db/prisma';
import { outboxDraft } from '../jobs/outbox-topics';
import { postmortemMessage } from '../slack/blocks/postmortem-messages';
import { loadPostmortem } from './load-postmortem';
import { incidentPageUrl } from './publish-status-update';

export interface AnnouncePostmortemDeps {
  prisma: PrismaClient;
  pageUrl: string;
  timeZone: string;
  slack?: WebClient;
  /** Also send the postmortem to Atlassian Statuspage. */
  atlassian: boolean;
  logger?: Logger;
}

/** A stable row id per postmortem version, so a retried job queues the Statuspage copy once. */
function atlassianRowId(postmortemId: string, version: number): string {
  const hex = createHash('sha256')
    .update(`statuspage.atlassian_postmortem:${postmortemId}:${version}`)
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * After a postmortem is published: queue the Statuspage copy (once per version), then post the
 * report in the incident channel. The status page itself needs nothing: it reads published
 * postmortems, and the caller announces the change so every web process renders again. The
 * channel post is a courtesy: when Slack refuses it, the postmortem is still published.
 */
export async function announcePostmortem(
  deps: AnnouncePostmortemDeps,
  payload: { incidentId: string; postmortemId: string; version: number },
): Promise<void> {
  if (deps.atlassian) {
    const draft = outboxDraft('statuspage.atlassian_postmortem', payload.incidentId, { v: 1, ...payload });
    await deps.prisma.outboxMessage.createMany({
      data: [{ id: atlassianRowId(payload.postmortemId, payload.version), ...draft }],
      skipDuplicates: true,
    });
  }
  const loaded = await loadPostmortem(deps.prisma, payload.incidentId);
  const channel = loaded.incident.slackChannelId;
  if (!deps.slack || !channel || loaded.postmortem?.status !== 'PUBLISHED') return;
  const message = postmortemMessage(loaded.report, {
    incidentId: loaded.incident.id,
    timeZone: deps.timeZone,
    pageUrl: incidentPageUrl(deps.pageUrl, loaded.incident.id),
    canPublish: true,
  });
  await deps.slack.chat
    .postMessage({ channel, ...message, unfurl_links: false })
    .catch((error: Error) =>
      deps.logger?.warn(
        { err: error, event: 'postmortem_announcement_failed' },
        `Could not post the published postmortem in Slack: ${error.message}`,
      ),
    );
}
