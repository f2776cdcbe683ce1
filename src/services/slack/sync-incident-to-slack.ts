import type { WebClient } from '@slack/web-api';
import type { PrismaClient } from '../../db/prisma';
import { stageOf } from '../../db/incident-mapping';
import {
  renderAnnouncement,
  renderChangeMessage,
  renderIncidentCard,
  renderUpdateMessage,
} from '../../slack/blocks/incident-messages';
import { loadIncidentView } from './load-incident-view';
import { inviteToChannel, openIncidentChannel } from './open-incident-channel';
import { slackErrorCode, tolerating } from './slack-errors';

/**
 * The Slack side of an incident, carried out by jobs after the database change committed.
 * Every step records what it did before the next one, so a retried job (Slack error, killed
 * worker) resumes where it stopped instead of posting twice.
 */
export interface SlackSyncDeps {
  prisma: PrismaClient;
  slack: WebClient;
  announcementsChannel?: string;
  /** Public status page base URL: the card links public incidents to their page. */
  pageUrl?: string;
}

export class ChannelNotReadyError extends Error {
  constructor(incidentKey: string) {
    super(`${incidentKey} is not fully announced in Slack yet; retrying after the declaration job`);
  }
}

/** The declaration's Slack work failed for good: later posts have nowhere to go. */
export class NoIncidentChannelError extends Error {
  constructor(incidentKey: string) {
    super(`${incidentKey} has no Slack channel: its declaration could not be carried out in Slack`);
  }
}

/**
 * Later posts wait for the declaration's Slack work (channel, card, announcement) so they land in
 * the channel and in the announcement's thread; returns the channel once that work is settled.
 */
async function incidentChannelOf(
  prisma: PrismaClient,
  incident: { id: string; slackChannelId: string | null },
  key: string,
) {
  const pending = await prisma.outboxMessage.count({
    where: {
      aggregateId: incident.id,
      topic: 'slack.incident_declared',
      status: { in: ['PENDING', 'ENQUEUED'] },
    },
  });
  if (pending > 0) throw new ChannelNotReadyError(key);
  if (!incident.slackChannelId) throw new NoIncidentChannelError(key);
  return incident.slackChannelId;
}

async function postAnnouncement(
  deps: SlackSyncDeps,
  channel: string,
  message: { text: string; blocks: object[] },
) {
  try {
    return await deps.slack.chat.postMessage({ channel, ...message });
  } catch (error) {
    if (slackErrorCode(error) !== 'not_in_channel') throw error;
    await deps.slack.conversations.join({ channel });
    return deps.slack.chat.postMessage({ channel, ...message });
  }
}

export async function announceDeclaredIncident(deps: SlackSyncDeps, incidentId: string): Promise<void> {
  const { prisma, slack } = deps;
  const before = await loadIncidentView(prisma, incidentId, deps.pageUrl);
  const channelId = await openIncidentChannel(prisma, slack, before.incident);
  const { incident, view } = await loadIncidentView(prisma, incidentId, deps.pageUrl);
  await inviteToChannel(slack, channelId, [incident.declaredById, ...Object.values(view.roles)]);

  let cardTs = incident.summaryMessageTs;
  if (!cardTs) {
    const posted = await slack.chat.postMessage({ channel: channelId, ...renderIncidentCard(view) });
    cardTs = posted.ts!;
    await prisma.incident.update({ where: { id: incident.id }, data: { summaryMessageTs: cardTs } });
  }
  // Pinned on every attempt: a retry after a failed pin must still pin, and Slack says
  // already_pinned when an earlier attempt got there.
  await tolerating(() => slack.pins.add({ channel: channelId, timestamp: cardTs }), ['already_pinned']);
  if (!incident.isPrivate && deps.announcementsChannel && !incident.announcementTs) {
    const posted = await postAnnouncement(
      deps,
      deps.announcementsChannel,
      renderAnnouncement(view, incident.declaredById),
    );
    await prisma.incident.update({
      where: { id: incident.id },
      data: { announcementChannelId: deps.announcementsChannel, announcementTs: posted.ts },
    });
  }
}

/** The pinned card and the announcement show the current state, not the one at declaration. */
async function refreshCard(deps: SlackSyncDeps, incidentId: string): Promise<void> {
  const { incident, view } = await loadIncidentView(deps.prisma, incidentId, deps.pageUrl);
  if (incident.slackChannelId && incident.summaryMessageTs) {
    await deps.slack.chat.update({
      channel: incident.slackChannelId,
      ts: incident.summaryMessageTs,
      ...renderIncidentCard(view),
    });
  }
  const { announcementChannelId, announcementTs } = incident;
  if (announcementChannelId && announcementTs) {
    const announcement = renderAnnouncement(view, incident.declaredById);
    await tolerating(
      () => deps.slack.chat.update({ channel: announcementChannelId, ts: announcementTs, ...announcement }),
      ['message_not_found', 'cant_update_message'],
    );
  }
}

export async function publishUpdateToSlack(
  deps: SlackSyncDeps,
  incidentId: string,
  updateId: string,
): Promise<void> {
  const { prisma, slack } = deps;
  const { incident, view } = await loadIncidentView(prisma, incidentId, deps.pageUrl);
  const channelId = await incidentChannelOf(prisma, incident, view.key);
  const update = await prisma.incidentUpdate.findUniqueOrThrow({ where: { id: updateId } });
  const shown = {
    stage: stageOf(update.status),
    publicMessage: update.publicMessage,
    internalNote: update.internalNote,
    authorId: update.authorId,
  };

  if (!update.channelMessageTs) {
    const posted = await slack.chat.postMessage({
      channel: channelId,
      ...renderUpdateMessage(view, shown, { includeInternalNote: true }),
    });
    await prisma.incidentUpdate.update({ where: { id: update.id }, data: { channelMessageTs: posted.ts } });
  }
  if (
    !incident.isPrivate &&
    incident.announcementChannelId &&
    incident.announcementTs &&
    !update.announcementReplyTs
  ) {
    const posted = await slack.chat.postMessage({
      channel: incident.announcementChannelId,
      thread_ts: incident.announcementTs,
      ...renderUpdateMessage(view, shown, { includeInternalNote: false }),
    });
    await prisma.incidentUpdate.update({
      where: { id: update.id },
      data: { announcementReplyTs: posted.ts },
    });
  }
  await refreshCard(deps, incidentId);
}

export async function announceIncidentChange(
  deps: SlackSyncDeps,
  incidentId: string,
  timelineEventId: string,
): Promise<void> {
  const { prisma, slack } = deps;
  const { incident, view } = await loadIncidentView(prisma, incidentId, deps.pageUrl);
  const channelId = await incidentChannelOf(prisma, incident, view.key);
  const event = await prisma.timelineEvent.findUniqueOrThrow({ where: { id: timelineEventId } });
  if (event.kind === 'role_assigned') {
    const userId = (event.data as { userId?: string } | null)?.userId;
    if (userId) await inviteToChannel(slack, channelId, [userId]);
  }
  if (!event.channelPostTs) {
    const posted = await slack.chat.postMessage({
      channel: channelId,
      ...renderChangeMessage(view, { text: event.text, actorId: event.actorId }),
    });
    await prisma.timelineEvent.update({ where: { id: event.id }, data: { channelPostTs: posted.ts } });
  }
  await refreshCard(deps, incidentId);
}
