import { incidentKey } from '../db/incident-mapping';
import type { PrismaClient } from '../db/prisma';
import type { Postmortem } from '../generated/prisma/client';
import { outboxDraft } from '../jobs/outbox-topics';

export type PublishPostmortemOutcome =
  { ok: true; postmortem: Postmortem; outboxIds: string[] } | { ok: false; error: string };

/**
 * Publishes the saved postmortem: marks it published (optimistic lock on its version), records it
 * on the timeline and writes the outbox row that refreshes the status page, tells the channel and
 * sends it on to Atlassian Statuspage, all in one transaction. Publishing again (after edits)
 * sends the current text again.
 */
export async function publishPostmortem(
  prisma: PrismaClient,
  input: { incidentId: string; actorId: string; at: Date },
): Promise<PublishPostmortemOutcome> {
  const incident = await prisma.incident.findUniqueOrThrow({
    where: { id: input.incidentId },
    include: { postmortem: true },
  });
  const key = incidentKey(incident);
  const postmortem = incident.postmortem;
  if (!postmortem)
    return { ok: false, error: `${key} has no postmortem yet. Write one with /incident postmortem.` };
  if (incident.isPrivate)
    return {
      ok: false,
      error: `${key} is private: it is not on the status page, so its postmortem stays internal. Use /incident postmortem export to share it.`,
    };
  if (incident.status !== 'RESOLVED')
    return { ok: false, error: `Resolve ${key} before publishing its postmortem.` };
  const published = await prisma.incidentUpdate.count({
    where: { incidentId: incident.id, publishedAt: { not: null } },
  });
  if (published === 0)
    return {
      ok: false,
      error: `${key} has no update on the status page yet, so there is no page to publish the postmortem on. Try again in a minute.`,
    };
  const [written, outboxId] = await prisma.$transaction(async (tx) => {
    const { count } = await tx.postmortem.updateMany({
      where: { id: postmortem.id, version: postmortem.version },
      data: { status: 'PUBLISHED', publishedAt: input.at, version: { increment: 1 } },
    });
    if (count === 0) return [null, null] as const;
    const saved = await tx.postmortem.findUniqueOrThrow({ where: { id: postmortem.id } });
    await tx.timelineEvent.create({
      data: {
        incidentId: incident.id,
        kind: 'postmortem_published',
        actorId: input.actorId,
        text: postmortem.status === 'PUBLISHED' ? 'Postmortem published again' : 'Postmortem published',
        data: { postmortemId: saved.id, version: saved.version },
        occurredAt: input.at,
      },
    });
    const row = await tx.outboxMessage.create({
      data: outboxDraft('statuspage.postmortem', incident.id, {
        v: 1,
        incidentId: incident.id,
        postmortemId: saved.id,
        version: saved.version,
      }),
      select: { id: true },
    });
    return [saved, row.id] as const;
  });
  if (!written) return { ok: false, error: 'The postmortem changed just now. Please publish again.' };
  return { ok: true, postmortem: written, outboxIds: [outboxId] };
}
