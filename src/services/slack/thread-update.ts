import { renderMergedUpdates, renderUpdateMessage } from '../../slack/blocks/incident-messages';
import { ChannelBusyError } from './channel-pacer';
import { loadIncidentView } from './load-incident-view';
import { postOnce } from './post-once';
import {
  shownOf,
  waitForEarlierSlackWork,
  type SlackSyncDeps,
  type SyncAttempt,
} from './sync-incident-to-slack';

/** Long enough for a slow Slack answer; a killed worker's hold runs out by then. */
const THREAD_HOLD_MS = 30_000;

/**
 * Replies to the incident's announcement with the updates not yet threaded there. The
 * announcements channel is shared by every incident, so under load it is the first to reach
 * Slack's one message a second; while it is busy, an update that a later one follows leaves its
 * reply to the later update's job, and whichever job gets the channel's turn replies with every
 * update still waiting, in one message: merged, never dropped. One job per incident at a time
 * (`exclusive`), so no update is threaded twice.
 */
export async function threadUpdate(
  deps: SlackSyncDeps,
  incidentId: string,
  updateId: string,
  attempt: SyncAttempt,
): Promise<void> {
  const { prisma } = deps;
  const own = await prisma.incidentUpdate.findUniqueOrThrow({ where: { id: updateId } });
  if (own.announcementReplyTs) return;
  // The announcement is made by the declaration's job: wait for it before loading the incident,
  // or the load could predate the announcement's ts.
  await waitForEarlierSlackWork(prisma, incidentId);
  const { incident, view } = await loadIncidentView(prisma, incidentId, deps.pageUrl);
  const { announcementChannelId, announcementTs } = incident;
  if (incident.isPrivate || !announcementChannelId || !announcementTs) return;

  const reply = async () => {
    // The declaration's own first update is the announcement itself, never a reply.
    const first = await prisma.incidentUpdate.findFirst({
      where: { incidentId },
      orderBy: [{ postedAt: 'asc' }, { id: 'asc' }],
      select: { id: true },
    });
    const waiting = await prisma.incidentUpdate.findMany({
      where: { incidentId, announcementReplyTs: null, id: { not: first?.id } },
      orderBy: [{ postedAt: 'asc' }, { id: 'asc' }],
    });
    if (!waiting.some((u) => u.id === updateId)) return; // another job threaded it meanwhile
    // Only a thread job still to run can take this update along; one that failed for good cannot.
    const later = attempt.queuedAt
      ? (await prisma.outboxMessage.count({
          where: {
            aggregateId: incidentId,
            topic: 'slack.update_threaded',
            status: { in: ['PENDING', 'ENQUEUED'] },
            createdAt: { gt: attempt.queuedAt },
          },
        })) > 0
      : false;
    const shown = waiting.map(shownOf);
    try {
      const replyTs = await postOnce(
        deps.slack,
        {
          channel: announcementChannelId,
          threadTs: announcementTs,
          key: `update:${updateId}:thread`,
          message:
            shown.length > 1
              ? renderMergedUpdates(view, shown)
              : renderUpdateMessage(view, shown[0]!, { includeInternalNote: false }),
          mayHavePosted: attempt.mayHavePosted,
        },
        deps.pacer,
      );
      await prisma.incidentUpdate.updateMany({
        where: { id: { in: waiting.map((u) => u.id) } },
        data: { announcementReplyTs: replyTs },
      });
    } catch (error) {
      // A later update's job will reply for both: no need to wait for the channel's turn.
      if (error instanceof ChannelBusyError && later) return;
      throw error;
    }
  };
  if (deps.pacer) await deps.pacer.exclusive(`thread:${incidentId}`, THREAD_HOLD_MS, reply);
  else await reply();
}
