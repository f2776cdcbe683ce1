import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { incidentKey, rolesOf } from '../db/incident-mapping';
import type { PrismaClient } from '../db/prisma';
import { decideNudge, type NudgeIntervals } from '../domain/stale-nudge';
import type { Severity } from '../domain/severity';
import { formatApproximateDuration } from '../domain/time-format';
import { ACTION_IDS } from '../slack/ids';

export interface NudgeDeps {
  prisma: PrismaClient;
  slack: WebClient;
  intervals: NudgeIntervals;
  logger: Logger;
  now?: () => Date;
}

/**
 * Nudges the lead of every active incident whose last update is older than its severity's
 * interval, once per stale period. The nudge row is claimed before the post (its key is the
 * incident and the period), so concurrent checks post once; when the post fails the claim is
 * released and the next check tries again. Resolved incidents are never nudged.
 */
export async function nudgeStaleIncidents(deps: NudgeDeps): Promise<number> {
  const now = (deps.now ?? (() => new Date()))();
  const incidents = await deps.prisma.incident.findMany({
    where: { status: { not: 'RESOLVED' }, slackChannelId: { not: null } },
    include: {
      roles: true,
      updates: { orderBy: { postedAt: 'desc' }, take: 1, select: { postedAt: true } },
      staleNudges: { orderBy: { sentAt: 'desc' }, take: 1, select: { sentAt: true } },
    },
  });
  let sent = 0;
  for (const incident of incidents) {
    const intervalMs = deps.intervals[incident.severity as Severity];
    const lastUpdateAt = incident.updates[0]?.postedAt ?? incident.declaredAt;
    const decision = decideNudge({
      lastUpdateAt,
      intervalMs,
      lastNudgedAt: incident.staleNudges[0]?.sentAt ?? null,
      now,
    });
    if (!decision.due || !decision.periodStartedAt || !incident.slackChannelId) continue;
    const leadId = rolesOf(incident.roles).lead ?? null;
    const claim = { incidentId: incident.id, periodStartedAt: decision.periodStartedAt };
    const { count } = await deps.prisma.staleNudge.createMany({
      data: [{ ...claim, leadId, sentAt: now }],
      skipDuplicates: true,
    });
    if (count === 0) continue;
    const key = incidentKey(incident);
    const silence = formatApproximateDuration(now.getTime() - lastUpdateAt.getTime());
    const text = `:hourglass_flowing_sand: ${leadId ? `<@${leadId}> ` : ''}${key} (${incident.severity}) has had no update for ${silence}. ${incident.severity} incidents get one at least every ${formatApproximateDuration(intervalMs)}: post one so people following along know where things stand.`;
    try {
      const posted = await deps.slack.chat.postMessage({
        channel: incident.slackChannelId,
        text,
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text } },
          {
            type: 'actions',
            elements: [
              {
                type: 'button',
                text: { type: 'plain_text', text: 'Post update' },
                action_id: ACTION_IDS.openUpdateModal,
                value: incident.id,
              },
            ],
          },
        ],
      });
      await deps.prisma.staleNudge.update({
        where: { incidentId_periodStartedAt: claim },
        data: { slackMessageTs: posted.ts ?? null },
      });
      sent += 1;
    } catch (error) {
      await deps.prisma.staleNudge.deleteMany({ where: claim });
      deps.logger.warn(
        { err: error, event: 'stale_nudge_failed', incidentId: incident.id },
        `Could not nudge the lead of ${key}: ${(error as Error).message}`,
      );
    }
  }
  return sent;
}
