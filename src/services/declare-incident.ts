import type { PrismaClient } from '../db/prisma';
import { DEFAULT_STAGE_MESSAGES } from '../domain/incident';
import type { Severity } from '../domain/severity';
import type { Incident } from '../generated/prisma/client';
import { announcementDraft, outboxDraft, type OutboxDraft } from '../jobs/outbox-topics';
import { isUniqueViolation } from './errors';

/** Components picked at declaration start as a partial outage; updates refine it. */
const DECLARED_IMPACT = 'PARTIAL_OUTAGE' as const;

export interface DeclareIncidentInput {
  title: string;
  summary: string;
  severity: Severity;
  componentIds: string[];
  leadId: string;
  declaredById: string;
  isPrivate: boolean;
  /** The Slack view id of the submitted modal: a repeated delivery declares nothing new. */
  idempotencyKey: string;
  at: Date;
  /** An announcements channel is configured: a public incident queues its announcement there. */
  announce?: boolean;
}

export interface DeclareIncidentResult {
  incident: Incident;
  created: boolean;
  outboxIds: string[];
}

/**
 * Declares an incident in one transaction: the incident, its lead, affected components, the
 * first (Investigating) update, the timeline entry and the outbox rows that make Slack and the
 * status page catch up. Nothing is sent from here.
 */
export async function declareIncident(
  prisma: PrismaClient,
  input: DeclareIncidentInput,
): Promise<DeclareIncidentResult> {
  const existing = await prisma.incident.findUnique({ where: { idempotencyKey: input.idempotencyKey } });
  if (existing) return { incident: existing, created: false, outboxIds: [] };
  try {
    return await prisma.$transaction(async (tx) => {
      const incident = await tx.incident.create({
        data: {
          title: input.title,
          summary: input.summary,
          severity: input.severity,
          status: 'INVESTIGATING',
          isPrivate: input.isPrivate,
          declaredById: input.declaredById,
          idempotencyKey: input.idempotencyKey,
          declaredAt: input.at,
          impactStartedAt: input.at,
          roles: { create: [{ role: 'lead', userId: input.leadId, assignedAt: input.at }] },
          components: {
            create: input.componentIds.map((componentId) => ({
              componentId,
              impact: 'PARTIAL_OUTAGE' as const,
            })),
          },
        },
      });
      const update = await tx.incidentUpdate.create({
        data: {
          incidentId: incident.id,
          status: 'INVESTIGATING',
          publicMessage: input.summary.trim() || DEFAULT_STAGE_MESSAGES.investigating,
          componentImpacts: input.componentIds.map((componentId) => ({
            componentId,
            impact: DECLARED_IMPACT,
          })),
          authorId: input.declaredById,
          postedAt: input.at,
        },
      });
      await tx.timelineEvent.create({
        data: {
          incidentId: incident.id,
          kind: 'declared',
          actorId: input.declaredById,
          text: `Declared ${input.severity}: ${input.title}`,
          data: { severity: input.severity, leadId: input.leadId, componentIds: input.componentIds },
          occurredAt: input.at,
        },
      });
      // The announcement is its own row, written here so it exists exactly once from the start and
      // thread replies can wait for it; its job waits for the declaration's (it links the channel).
      const drafts: (OutboxDraft & { id?: string })[] = [
        ...(input.announce && !input.isPrivate ? [announcementDraft(incident.id)] : []),
        outboxDraft('slack.incident_declared', incident.id, {
          v: 1,
          incidentId: incident.id,
          announcedSeparately: true,
        }),
      ];
      if (!input.isPrivate) {
        drafts.push(
          outboxDraft('statuspage.publish', incident.id, {
            v: 1,
            incidentId: incident.id,
            updateId: update.id,
          }),
        );
      }
      const outboxIds: string[] = [];
      for (const draft of drafts) {
        outboxIds.push((await tx.outboxMessage.create({ data: draft, select: { id: true } })).id);
      }
      return { incident, created: true, outboxIds };
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const winner = await prisma.incident.findUniqueOrThrow({
      where: { idempotencyKey: input.idempotencyKey },
    });
    return { incident: winner, created: false, outboxIds: [] };
  }
}
