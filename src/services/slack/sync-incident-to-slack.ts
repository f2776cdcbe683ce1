import type { WebClient } from '@slack/web-api';
import type { PrismaClient } from '../../db/prisma';
import type { IncidentUpdate } from '../../generated/prisma/client';
import { stageOf } from '../../db/incident-mapping';
import {
  renderAnnouncement,
  renderChangeMessage,
  renderIncidentCard,
  renderUpdateMessage,
} from '../../slack/blocks/incident-messages';
import { loadIncidentView } from './load-incident-view';
import { inviteToChannel, openIncidentChannel } from './open-incident-channel';
import type { ChannelPacer } from './channel-pacer';
import { postOnce } from './post-once';
import { tolerating } from './slack-errors';
import { announcementDraft } from '../../jobs/outbox-topics';

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
  /** Keeps posts to about one a second per channel; without it posts are not paced. */
  pacer?: ChannelPacer;
}

/** How a job attempt runs: a retry may follow an attempt whose Slack post landed unrecorded. */
export interface SyncAttempt {
  mayHavePosted: boolean;
  /** When the job's outbox row was written: posts of an incident go out in this order. */
  queuedAt?: Date;
}
const FIRST_ATTEMPT: SyncAttempt = { mayHavePosted: false };

export class ChannelNotReadyError extends Error {
  constructor(incidentKey: string) {
    super(
      `${incidentKey} has earlier Slack work still to do (its declaration or an earlier post); retrying after it`,
    );
  }
}

/** The declaration's Slack work failed for good: later posts have nowhere to go. */
export class NoIncidentChannelError extends Error {
  constructor(incidentKey: string) {
    super(`${incidentKey} has no Slack channel: its declaration could not be carried out in Slack`);
  }
}

/** Jobs that post in the incident channel after the declaration. */
const ORDERED_POSTS = ['slack.update_posted', 'slack.change_announced'];

/** Throws ChannelNotReadyError while the incident has an outbox row matching `earlier` still to run. */
async function waitForRows(
  prisma: PrismaClient,
  incidentId: string,
  earlier: { topic: string | { in: string[] }; createdAt?: { lt: Date } }[],
): Promise<void> {
  const pending = await prisma.outboxMessage.count({
    where: { aggregateId: incidentId, status: { in: ['PENDING', 'ENQUEUED'] }, OR: earlier },
  });
  if (pending > 0) throw new ChannelNotReadyError(`Incident ${incidentId}`);
}

/**
 * Channel posts wait for the declaration's Slack work (channel, card), never for the announcement:
 * the shared announcements channel's turn must not hold up the incident channel. A post also waits
 * for the incident's posts queued before it: with several workers, or a retried job (Slack error,
 * killed worker), a later update would otherwise overtake an earlier one in the channel.
 * Called before the incident is loaded, so the load sees the channel the declaration recorded.
 */
export async function waitForEarlierSlackWork(prisma: PrismaClient, incidentId: string, queuedAt?: Date) {
  await waitForRows(prisma, incidentId, [
    { topic: 'slack.incident_declared' },
    ...(queuedAt ? [{ topic: { in: ORDERED_POSTS }, createdAt: { lt: queuedAt } }] : []),
  ]);
}

/**
 * Thread replies wait for the announcement they reply under. The declaration counts too: a
 * declaration row written before announcements had their own row queues the announcement's row
 * from its job (see openDeclaredIncident), so until it is done the announcement may be still to come.
 * Called before the incident is loaded: loaded first, it could predate the announcement's ts and the
 * reply would be skipped.
 */
export async function waitForAnnouncement(prisma: PrismaClient, incidentId: string) {
  await waitForRows(prisma, incidentId, [
    { topic: { in: ['slack.incident_declared', 'slack.incident_announced'] } },
  ]);
}

/** The announcement links to the incident channel, so it waits for the declaration's work. */
export async function waitForDeclaration(prisma: PrismaClient, incidentId: string) {
  await waitForRows(prisma, incidentId, [{ topic: 'slack.incident_declared' }]);
}

export function incidentChannelOf(incident: { slackChannelId: string | null }, key: string): string {
  if (!incident.slackChannelId) throw new NoIncidentChannelError(key);
  return incident.slackChannelId;
}

/**
 * The declaration's Slack work in the incident channel: channel, invitations, card, pin. The
 * announcement is its own job (announce-incident.ts) on the queue of the announcements channel,
 * so waiting for that shared channel's turn never re-runs these steps nor holds up channel posts.
 * `queueAnnouncement`: the row was written before announcements had their own row (no
 * `announcedSeparately`), so this job queues it.
 */
export async function openDeclaredIncident(
  deps: SlackSyncDeps,
  incidentId: string,
  attempt: SyncAttempt = FIRST_ATTEMPT,
  options: { queueAnnouncement?: boolean } = {},
): Promise<void> {
  const { prisma, slack } = deps;
  const { incident, view: loaded } = await loadIncidentView(prisma, incidentId, deps.pageUrl);
  const channelId = await openIncidentChannel(prisma, slack, incident);
  const view = { ...loaded, channelId };
  // An earlier start got past the card (invitations come before it) and then only waited, e.g. for
  // the channel's turn or a rate-limited pin: its invitations are done. Anything else repeats them.
  const resumedAfterWait = Boolean(incident.summaryMessageTs) && !attempt.mayHavePosted;
  if (!resumedAfterWait)
    await inviteToChannel(slack, channelId, [incident.declaredById, ...Object.values(view.roles)]);

  let cardTs = incident.summaryMessageTs;
  if (!cardTs) {
    cardTs = await postOnce(
      slack,
      {
        channel: channelId,
        key: `card:${incident.id}`,
        message: renderIncidentCard(view),
        mayHavePosted: attempt.mayHavePosted,
      },
      deps.pacer,
    );
    await prisma.incident.update({ where: { id: incident.id }, data: { summaryMessageTs: cardTs } });
  }
  // Pinned until recorded as pinned: a retry after a failed or rate-limited pin still pins, and
  // Slack says already_pinned when the pin landed but was not recorded (killed worker).
  if (!incident.summaryPinnedAt) {
    await tolerating(() => slack.pins.add({ channel: channelId, timestamp: cardTs }), ['already_pinned']);
    await prisma.incident.update({ where: { id: incident.id }, data: { summaryPinnedAt: new Date() } });
  }
  if (
    options.queueAnnouncement &&
    !incident.isPrivate &&
    deps.announcementsChannel &&
    !incident.announcementTs
  ) {
    // Before this row is marked done, so thread replies waiting for it then find the announcement's row.
    await prisma.outboxMessage.createMany({ data: [announcementDraft(incident.id)], skipDuplicates: true });
  }
}

/** The pinned card and the announcement show the current state, not the one at declaration. */
export async function refreshCard(deps: SlackSyncDeps, incidentId: string): Promise<void> {
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

export const shownOf = (update: IncidentUpdate) => ({
  stage: stageOf(update.status),
  publicMessage: update.publicMessage,
  internalNote: update.internalNote,
  authorId: update.authorId,
});

export async function publishUpdateToSlack(
  deps: SlackSyncDeps,
  incidentId: string,
  updateId: string,
  attempt: SyncAttempt = FIRST_ATTEMPT,
): Promise<void> {
  const { prisma, slack } = deps;
  await waitForEarlierSlackWork(prisma, incidentId, attempt.queuedAt);
  const { incident, view } = await loadIncidentView(prisma, incidentId, deps.pageUrl);
  const channelId = incidentChannelOf(incident, view.key);
  const update = await prisma.incidentUpdate.findUniqueOrThrow({ where: { id: updateId } });
  const shown = shownOf(update);

  if (!update.channelMessageTs) {
    const channelMessageTs = await postOnce(
      slack,
      {
        channel: channelId,
        key: `update:${update.id}:channel`,
        message: renderUpdateMessage(view, shown, { includeInternalNote: true }),
        mayHavePosted: attempt.mayHavePosted,
      },
      deps.pacer,
    );
    await prisma.incidentUpdate.update({ where: { id: update.id }, data: { channelMessageTs } });
  }
  // The card shows the incident as it is now: the last update's job refreshes it for all.
  const later = await prisma.incidentUpdate.count({
    where: {
      incidentId,
      OR: [{ postedAt: { gt: update.postedAt } }, { postedAt: update.postedAt, id: { gt: update.id } }],
    },
  });
  if (later === 0) await refreshCard(deps, incidentId);
}

export async function announceIncidentChange(
  deps: SlackSyncDeps,
  incidentId: string,
  timelineEventId: string,
  attempt: SyncAttempt = FIRST_ATTEMPT,
): Promise<void> {
  const { prisma, slack } = deps;
  await waitForEarlierSlackWork(prisma, incidentId, attempt.queuedAt);
  const { incident, view } = await loadIncidentView(prisma, incidentId, deps.pageUrl);
  const channelId = incidentChannelOf(incident, view.key);
  const event = await prisma.timelineEvent.findUniqueOrThrow({ where: { id: timelineEventId } });
  if (event.kind === 'role_assigned') {
    const userId = (event.data as { userId?: string } | null)?.userId;
    if (userId) await inviteToChannel(slack, channelId, [userId]);
  }
  if (!event.channelPostTs) {
    const channelPostTs = await postOnce(
      slack,
      {
        channel: channelId,
        key: `change:${event.id}`,
        message: renderChangeMessage(view, { text: event.text, actorId: event.actorId }),
        mayHavePosted: attempt.mayHavePosted,
      },
      deps.pacer,
    );
    await prisma.timelineEvent.update({ where: { id: event.id }, data: { channelPostTs } });
  }
  await refreshCard(deps, incidentId);
}
