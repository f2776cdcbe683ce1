import { snapshotOf, statusOf } from '../db/incident-mapping';
import type { PrismaClient } from '../db/prisma';
import { decide, type IncidentCommand, type IncidentEffect, type IncidentSnapshot } from '../domain/incident';
import type { Incident, IncidentUpdate, Prisma, TimelineEvent } from '../generated/prisma/client';
import { outboxDraft, type OutboxDraft } from '../jobs/outbox-topics';
import { isUniqueViolation } from './errors';

export interface ComponentImpact {
  componentId: string;
  impact: 'OPERATIONAL' | 'DEGRADED_PERFORMANCE' | 'PARTIAL_OUTAGE' | 'MAJOR_OUTAGE';
}

export interface CommandContext {
  actorId: string;
  /** Makes a repeated submission a no-op (update modal view id). */
  idempotencyKey?: string;
  componentImpacts?: ComponentImpact[];
}

export type CommandOutcome =
  | {
      ok: true;
      incident: Incident;
      update?: IncidentUpdate;
      timelineEvents: TimelineEvent[];
      outboxIds: string[];
      duplicate: boolean;
    }
  | { ok: false; error: string; incident: Incident };

class VersionConflict extends Error {}

const MAX_ATTEMPTS = 5;

/**
 * Runs one incident command with optimistic locking: read, decide (pure), write only if the
 * version is still the one read. On a conflict it re-reads and decides again, so two
 * responders submitting at once both land, or the later one hears why it no longer applies.
 */
export async function applyIncidentCommand(
  prisma: PrismaClient,
  incidentId: string,
  command: IncidentCommand,
  context: CommandContext,
): Promise<CommandOutcome> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    if (context.idempotencyKey) {
      const done = await prisma.incidentUpdate.findUnique({
        where: { idempotencyKey: context.idempotencyKey },
      });
      if (done) {
        const incident = await prisma.incident.findUniqueOrThrow({ where: { id: incidentId } });
        return { ok: true, incident, update: done, timelineEvents: [], outboxIds: [], duplicate: true };
      }
    }
    const current = await prisma.incident.findUniqueOrThrow({
      where: { id: incidentId },
      include: { roles: true },
    });
    const decision = decide(snapshotOf(current), command);
    if (!decision.ok) return { ok: false, error: decision.error, incident: current };
    try {
      return await prisma.$transaction((tx) =>
        writeDecision(tx, current, decision.next, decision.effects, command, context),
      );
    } catch (error) {
      if (error instanceof VersionConflict) continue;
      if (context.idempotencyKey && isUniqueViolation(error)) continue; // a twin delivery won: report its result
      throw error;
    }
  }
  const incident = await prisma.incident.findUniqueOrThrow({ where: { id: incidentId } });
  return { ok: false, error: 'The incident is changing very fast right now. Please try again.', incident };
}

async function writeDecision(
  tx: Prisma.TransactionClient,
  current: Incident,
  next: IncidentSnapshot,
  effects: IncidentEffect[],
  command: IncidentCommand,
  context: CommandContext,
): Promise<CommandOutcome> {
  const at = command.at;
  const written = await tx.incident.updateMany({
    where: { id: current.id, version: current.version },
    data: {
      status: statusOf(next.stage),
      severity: next.severity,
      identifiedAt: next.times.identifiedAt,
      monitoringAt: next.times.monitoringAt,
      resolvedAt: next.times.resolvedAt,
      impactEndedAt: next.stage === 'resolved' ? (current.impactEndedAt ?? at) : null,
      version: { increment: 1 },
    },
  });
  if (written.count === 0) throw new VersionConflict();

  if (command.type === 'assign_role') {
    await tx.incidentRole.upsert({
      where: { incidentId_role: { incidentId: current.id, role: command.role } },
      create: { incidentId: current.id, role: command.role, userId: command.userId, assignedAt: at },
      update: { userId: command.userId, assignedAt: at },
    });
  }
  for (const impact of context.componentImpacts ?? []) {
    await tx.incidentComponent.upsert({
      where: { incidentId_componentId: { incidentId: current.id, componentId: impact.componentId } },
      create: { incidentId: current.id, componentId: impact.componentId, impact: impact.impact },
      update: { impact: impact.impact },
    });
  }

  let update: IncidentUpdate | undefined;
  const timelineEvents: TimelineEvent[] = [];
  const drafts: OutboxDraft[] = [];
  for (const effect of effects) {
    if (effect.type === 'record_update') {
      const affected = await tx.incidentComponent.findMany({
        where: { incidentId: current.id },
        orderBy: { componentId: 'asc' },
      });
      update = await tx.incidentUpdate.create({
        data: {
          incidentId: current.id,
          // What the status page shows for this update; a resolved incident affects nothing any more.
          componentImpacts: affected.map((c) => ({
            componentId: c.componentId,
            impact: effect.stage === 'resolved' ? 'OPERATIONAL' : c.impact,
          })),
          status: statusOf(effect.stage),
          publicMessage: effect.publicMessage,
          internalNote: effect.internalNote || null,
          notifySubscribers: effect.notifySubscribers,
          authorId: context.actorId,
          idempotencyKey: context.idempotencyKey,
          postedAt: at,
        },
      });
    } else if (effect.type === 'record_timeline') {
      timelineEvents.push(
        await tx.timelineEvent.create({
          data: {
            incidentId: current.id,
            kind: effect.kind,
            actorId: context.actorId,
            text: effect.text,
            data: { ...effect.data, ...(update ? { updateId: update.id } : {}) },
            occurredAt: at,
          },
        }),
      );
    } else if (effect.type === 'announce_in_slack') {
      if (update) {
        const ids = { v: 1 as const, incidentId: current.id, updateId: update.id };
        drafts.push(outboxDraft('slack.update_posted', current.id, ids));
        // Private incidents have no announcement to reply under.
        if (!current.isPrivate) drafts.push(outboxDraft('slack.update_threaded', current.id, ids));
      } else {
        for (const event of timelineEvents) {
          drafts.push(
            outboxDraft('slack.change_announced', current.id, {
              v: 1,
              incidentId: current.id,
              timelineEventId: event.id,
            }),
          );
        }
      }
    } else if (effect.type === 'publish_status_page' && update) {
      drafts.push(
        outboxDraft('statuspage.publish', current.id, { v: 1, incidentId: current.id, updateId: update.id }),
      );
    }
  }
  const outboxIds: string[] = [];
  for (const draft of drafts)
    outboxIds.push((await tx.outboxMessage.create({ data: draft, select: { id: true } })).id);
  const incident = await tx.incident.findUniqueOrThrow({ where: { id: current.id } });
  return { ok: true, incident, update, timelineEvents, outboxIds, duplicate: false };
}
