import { stageOf } from '../db/incident-mapping';
import type { PrismaClient } from '../db/prisma';
import { STAGE_LABELS, type Stage } from '../domain/stages';
import type { OutboxPayload } from '../jobs/outbox-topics';
import { applyIncidentCommand, type CommandOutcome } from './apply-incident-command';

type UpdateRequest = OutboxPayload<'incident.update_requested'>;

/**
 * Applies an update-modal submission that was checked and stored before its ack. Between the
 * two, a slash command may have changed the incident, so:
 * - a stage move the responder chose against a stage the incident has since left is refused
 *   (an "Identified" picked while Investigating must not silently reopen a resolved incident);
 * - the update is stamped no earlier than the incident's latest update, so the order updates are
 *   shown in (channel, status page, Statuspage) is the order they were applied in.
 */
export async function applyUpdateSubmission(
  prisma: PrismaClient,
  request: UpdateRequest,
): Promise<CommandOutcome> {
  const idempotencyKey = `view:${request.viewId}`;
  const { componentImpacts, ...fields } = request.submission;
  const context = { actorId: request.userId, idempotencyKey, componentImpacts };
  const alreadyApplied = await prisma.incidentUpdate.findUnique({
    where: { idempotencyKey },
    select: { id: true },
  });
  let at = new Date(request.at);
  if (!alreadyApplied) {
    const incident = await prisma.incident.findUniqueOrThrow({ where: { id: request.incidentId } });
    const stageNow = stageOf(incident.status);
    if (request.seenStage && stageNow !== request.seenStage && stageNow !== fields.stage) {
      return { ok: false, error: movedSince(request.seenStage, stageNow), incident };
    }
    const latest = await prisma.incidentUpdate.findFirst({
      where: { incidentId: incident.id },
      orderBy: { postedAt: 'desc' },
      select: { postedAt: true },
    });
    if (latest && latest.postedAt >= at) at = new Date(latest.postedAt.getTime() + 1);
  }
  return applyIncidentCommand(
    prisma,
    request.incidentId,
    { type: 'post_update', ...fields, requireStageChange: false, at },
    context,
  );
}

function movedSince(seen: Stage, now: Stage): string {
  return `the incident moved from ${STAGE_LABELS[seen]} to ${STAGE_LABELS[now]} after you submitted it. Check the channel and post again if your update still applies.`;
}
