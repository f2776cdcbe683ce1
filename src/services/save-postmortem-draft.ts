import type { PrismaClient } from '../db/prisma';
import type { ActionItemLine } from '../domain/action-item-lines';
import type { Postmortem } from '../generated/prisma/client';
import { addActionItem } from './add-action-item';
import { isUniqueViolation } from './errors';
import type { PostmortemDraftValues } from './load-postmortem';

export interface SavePostmortemInput {
  incidentId: string;
  /** The draft's version when the modal was opened; null when there was none yet. */
  expectedVersion: number | null;
  values: PostmortemDraftValues;
  actionItems: ActionItemLine[];
  authorId: string;
  /** The modal's view id: a repeated submission adds its action items once. */
  submissionKey: string;
  at: Date;
}

export type SavePostmortemOutcome =
  | {
      ok: true;
      postmortem: Postmortem;
      outboxIds: string[];
      /** This submission had been saved before (a repeated delivery). */
      repeated: boolean;
    }
  | { ok: false; error: string };

const CHANGED =
  'Someone else saved this postmortem while you were editing. Close this form and open it again (/incident postmortem) to see their changes; copy your text first.';

/**
 * Saves the draft with an optimistic lock on its version, so two editors never silently overwrite
 * each other, then adds the new action items (each idempotent on the submission and its line).
 * A published postmortem stays published: edits show on the status page at once.
 */
export async function savePostmortemDraft(
  prisma: PrismaClient,
  input: SavePostmortemInput,
): Promise<SavePostmortemOutcome> {
  const { values } = input;
  const fields = {
    summary: values.summary,
    rootCause: values.rootCause,
    impact: values.impact,
    notImpacted: values.notImpacted,
    remediation: values.remediation,
    impactStartedAt: values.impactStartedAt,
    impactEndedAt: values.impactEndedAt,
    authorId: input.authorId,
  };
  // Slack delivers a submission again when the first ack was late; the first save counts.
  const savedBefore = () =>
    prisma.timelineEvent.findUnique({ where: { idempotencyKey: input.submissionKey }, select: { id: true } });
  let postmortem: Postmortem;
  let repeated = false;
  try {
    if (await savedBefore()) throw new AlreadySaved();
    postmortem = await prisma.$transaction(async (tx) => {
      let saved: Postmortem;
      if (input.expectedVersion === null) {
        saved = await tx.postmortem.create({
          data: { incidentId: input.incidentId, ...fields, createdAt: input.at },
        });
      } else {
        const { count } = await tx.postmortem.updateMany({
          where: { incidentId: input.incidentId, version: input.expectedVersion },
          data: { ...fields, version: { increment: 1 } },
        });
        if (count === 0) throw new DraftChanged();
        saved = await tx.postmortem.findUniqueOrThrow({ where: { incidentId: input.incidentId } });
      }
      await tx.timelineEvent.create({
        data: {
          incidentId: input.incidentId,
          kind: 'postmortem_saved',
          actorId: input.authorId,
          text: input.expectedVersion === null ? 'Postmortem draft started' : 'Postmortem edited',
          data: { postmortemId: saved.id, version: saved.version },
          idempotencyKey: input.submissionKey,
          occurredAt: input.at,
        },
      });
      return saved;
    });
  } catch (error) {
    if (error instanceof AlreadySaved || (isUniqueViolation(error) && (await savedBefore()))) {
      postmortem = await prisma.postmortem.findUniqueOrThrow({ where: { incidentId: input.incidentId } });
      repeated = true;
    } else if (error instanceof DraftChanged || isUniqueViolation(error)) {
      return { ok: false, error: CHANGED };
    } else throw error;
  }
  const outboxIds: string[] = [];
  for (const item of input.actionItems) {
    const added = await addActionItem(prisma, {
      incidentId: input.incidentId,
      title: item.title,
      ownerId: item.ownerId,
      dueAt: item.dueDate ? new Date(`${item.dueDate}T00:00:00Z`) : null,
      priority: item.priority,
      createdById: input.authorId,
      postmortemId: postmortem.id,
      idempotencyKey: `${input.submissionKey}:line-${item.line}`,
      at: input.at,
    });
    outboxIds.push(...added.outboxIds);
  }
  return { ok: true, postmortem, outboxIds, repeated };
}

class DraftChanged extends Error {}
class AlreadySaved extends Error {}
