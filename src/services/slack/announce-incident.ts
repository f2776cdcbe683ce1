import { renderAnnouncement, type SlackMessage } from '../../slack/blocks/incident-messages';
import { loadIncidentView } from './load-incident-view';
import { postOnce, type PostOnce } from './post-once';
import { slackErrorCode, tolerating } from './slack-errors';
import {
  incidentChannelOf,
  waitForDeclaration,
  type SlackSyncDeps,
  type SyncAttempt,
} from './sync-incident-to-slack';

/** Posts in the turn the caller took: a post refused with not_in_channel used none of it. */
async function postAnnouncement(deps: SlackSyncDeps, post: PostOnce): Promise<string> {
  try {
    return await postOnce(deps.slack, post);
  } catch (error) {
    if (slackErrorCode(error) !== 'not_in_channel') throw error;
    await deps.slack.conversations.join({ channel: post.channel });
    return postOnce(deps.slack, post);
  }
}

/**
 * Posts the incident's announcement in the shared announcements channel and records its ts, which
 * the incident's thread replies wait for. Runs on the announcements channel's queue: under load
 * that channel's one message a second makes this job wait its turn, and only this job re-runs.
 */
export async function announceIncident(
  deps: SlackSyncDeps,
  incidentId: string,
  attempt: SyncAttempt,
): Promise<void> {
  const channel = deps.announcementsChannel;
  if (!channel) return;
  // The announcement links to the incident channel. Waiting for the declaration also covers a
  // declaration row run by an older worker mid-deploy, which announces by itself: its
  // announcementTs is recorded before its row is done, and is seen below.
  await waitForDeclaration(deps.prisma, incidentId);
  // The turn first: under load this job mostly waits for it, and a look that finds the channel
  // busy should cost no more than that. A turn taken for an incident announced already is wasted,
  // which only a re-run does.
  await deps.pacer?.take(channel);
  const { incident, view } = await loadIncidentView(deps.prisma, incidentId, deps.pageUrl);
  if (incident.isPrivate) return;
  const render = (shown: typeof view) => renderAnnouncement(shown, incident.declaredById);
  if (incident.announcementTs) {
    // Announced already: by an earlier start of this job whose refresh below failed or waited, or
    // by an older worker. The refresh may be all that is left to do.
    await refreshAnnouncement(
      deps,
      incident.announcementChannelId ?? channel,
      incident.announcementTs,
      render(view),
    );
    return;
  }
  incidentChannelOf(incident, view.key);
  const message = render(view);
  const announcementTs = await postAnnouncement(deps, {
    channel,
    key: `announcement:${incident.id}`,
    message,
    mayHavePosted: attempt.mayHavePosted,
  });
  await deps.prisma.incident.update({
    where: { id: incident.id },
    data: { announcementChannelId: channel, announcementTs },
  });
  // A change stored while this job waited for its turn found no announcement to refresh (its job
  // saw no announcementTs yet): bring the announcement up to the state now. Changes stored from
  // here on see the announcementTs and refresh it themselves.
  const now = render((await loadIncidentView(deps.prisma, incidentId, deps.pageUrl)).view);
  if (JSON.stringify(now) !== JSON.stringify(message))
    await refreshAnnouncement(deps, channel, announcementTs, now);
}

function refreshAnnouncement(deps: SlackSyncDeps, channel: string, ts: string, message: SlackMessage) {
  return tolerating(
    () => deps.slack.chat.update({ channel, ts, ...message }),
    ['message_not_found', 'cant_update_message'],
  );
}
