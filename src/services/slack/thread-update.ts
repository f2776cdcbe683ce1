import type { IncidentUpdate } from '../../generated/prisma/client';
import { renderMergedUpdates, renderUpdateMessage } from '../../slack/blocks/incident-messages';
import { ChannelBusyError } from './channel-pacer';
import { loadIncidentView } from './load-incident-view';
import { postOnce } from './post-once';
import {
  ChannelNotReadyError,
  shownOf,
  waitForAnnouncement,
  type SlackSyncDeps,
  type SyncAttempt,
} from './sync-incident-to-slack';

/** Long enough for a slow Slack answer; a killed worker's hold runs out by then. */
const THREAD_HOLD_MS = 30_000;
/** About one turn of the announcements channel (Slack: one message a second). */
const ANNOUNCEMENT_WAIT_MS = 1000;
const ORDER = [{ postedAt: 'asc' as const }, { id: 'asc' as const }];

/**
 * Replies to the incident's announcement with the updates not yet threaded there. The
 * announcements channel is shared by every incident, so under load it is the first to reach
 * Slack's one message a second; while it is busy, an update that a later one follows leaves its
 * reply to the later update's job, and whichever job gets the channel's turn replies with every
 * update still waiting, in one message: merged, never dropped.
 *
 * One job per incident at a time (`exclusive`). Before posting, the job marks the updates its
 * reply covers as `pending:<its update id>`: a retry after a post that landed unrecorded (a
 * timeout, a killed worker) finds that post by its key and covers exactly the same updates, and no
 * other job takes them or replies before it, so nothing is threaded twice, left out or out of order.
 */
export async function threadUpdate(
  deps: SlackSyncDeps,
  incidentId: string,
  updateId: string,
  attempt: SyncAttempt,
): Promise<void> {
  const { prisma } = deps;
  const pendingMark = `pending:${updateId}`;
  const own = await prisma.incidentUpdate.findUniqueOrThrow({ where: { id: updateId } });
  if (own.announcementReplyTs && own.announcementReplyTs !== pendingMark) return;
  // The announcement has its own job: wait for it before loading the incident, or the load could
  // predate the announcement's ts and the reply would be skipped. It waits for the shared channel's
  // turn, and so would this reply: look again about once a turn, not every 300 ms, so that a busy
  // announcements channel does not keep every waiting reply's job cycling through the worker.
  await waitForAnnouncement(prisma, incidentId).catch((error: unknown) => {
    const channel = deps.announcementsChannel;
    throw error instanceof ChannelNotReadyError && channel
      ? new ChannelBusyError(channel, ANNOUNCEMENT_WAIT_MS)
      : error;
  });
  const { incident, view } = await loadIncidentView(prisma, incidentId, deps.pageUrl);
  const { announcementChannelId: channel, announcementTs: threadTs } = incident;
  if (incident.isPrivate || !channel || !threadTs) return;

  const reply = async () => {
    let covered = await prisma.incidentUpdate.findMany({
      where: { incidentId, announcementReplyTs: pendingMark },
      orderBy: ORDER,
    });
    const retrying = covered.length > 0;
    if (!retrying) {
      // Another job's reply (claimed, its post failed or timed out) goes first, or the thread
      // would show those updates after later ones.
      const claimedElsewhere = await prisma.incidentUpdate.count({
        where: { incidentId, announcementReplyTs: { startsWith: 'pending:', not: pendingMark } },
      });
      if (claimedElsewhere > 0) throw new ChannelNotReadyError(view.key);
      const waiting = await waitingUpdates(deps, incidentId);
      if (!waiting.some((u) => u.id === updateId)) return; // another job threaded it meanwhile
      if (!(await takeTurn(deps, channel, incidentId, attempt))) return;
      await prisma.incidentUpdate.updateMany({
        where: { id: { in: waiting.map((u) => u.id) }, announcementReplyTs: null },
        data: { announcementReplyTs: pendingMark },
      });
      covered = waiting;
    } else {
      await deps.pacer?.take(channel);
    }
    const shown = covered.map(shownOf);
    const replyTs = await postOnce(deps.slack, {
      channel,
      threadTs,
      key: `update:${updateId}:thread`,
      message:
        shown.length > 1
          ? renderMergedUpdates(view, shown)
          : renderUpdateMessage(view, shown[0]!, { includeInternalNote: false }),
      mayHavePosted: attempt.mayHavePosted || retrying,
    });
    await prisma.incidentUpdate.updateMany({
      where: { incidentId, announcementReplyTs: pendingMark },
      data: { announcementReplyTs: replyTs },
    });
  };
  if (deps.pacer) await deps.pacer.exclusive(`thread:${incidentId}`, THREAD_HOLD_MS, reply);
  else await reply();
}

/** Not yet threaded; the declaration's own first update is the announcement itself, never a reply. */
async function waitingUpdates(deps: SlackSyncDeps, incidentId: string): Promise<IncidentUpdate[]> {
  const first = await deps.prisma.incidentUpdate.findFirst({
    where: { incidentId },
    orderBy: ORDER,
    select: { id: true },
  });
  return deps.prisma.incidentUpdate.findMany({
    where: { incidentId, announcementReplyTs: null, id: { not: first?.id } },
    orderBy: ORDER,
  });
}

/**
 * Takes the announcements channel's turn: true when this job may post now. While the channel is
 * busy, false when a later thread job of the incident is still to run (it will take this update
 * along; one that failed for good cannot), else ChannelBusyError (wait for the turn).
 */
async function takeTurn(
  deps: SlackSyncDeps,
  channel: string,
  incidentId: string,
  attempt: SyncAttempt,
): Promise<boolean> {
  try {
    await deps.pacer?.take(channel);
    return true;
  } catch (error) {
    if (!(error instanceof ChannelBusyError) || !attempt.queuedAt) throw error;
    const later = await deps.prisma.outboxMessage.count({
      where: {
        aggregateId: incidentId,
        topic: 'slack.update_threaded',
        status: { in: ['PENDING', 'ENQUEUED'] },
        createdAt: { gt: attempt.queuedAt },
      },
    });
    if (later > 0) return false;
    throw error;
  }
}
