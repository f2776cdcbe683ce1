import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { incidentKey, stageOf } from '../db/incident-mapping';
import type { PrismaClient } from '../db/prisma';
import { escapeMrkdwn } from '../domain/mrkdwn';
import { STAGE_LABELS } from '../domain/stages';
import { applyUpdateSubmission } from '../services/apply-update-submission';
import { declareIncident } from '../services/declare-incident';
import { explainRejectedUpdate } from '../services/slack/explain-rejected-update';
import { OUTBOX_PAYLOADS } from './outbox-topics';
import type { OutboxHandler } from './outbox-worker';

/** Slack modal submissions stored before their ack, carried out here (see queueSubmission). */
export const SUBMISSION_TOPICS = ['incident.declare_requested', 'incident.update_requested'] as const;
type SubmissionTopic = (typeof SUBMISSION_TOPICS)[number];

export interface SubmissionDeps {
  prisma: PrismaClient;
  slack: WebClient;
  logger: Logger;
  /** An announcements channel is configured: public declarations queue their announcement. */
  announce?: boolean;
  /** Hands the outbox rows a submission produced to their queues at once. */
  enqueue: (outboxIds: string[]) => void;
}

export function submissionHandlers(deps: SubmissionDeps): Record<SubmissionTopic, OutboxHandler> {
  return {
    'incident.declare_requested': async (payload) => {
      const request = OUTBOX_PAYLOADS['incident.declare_requested'].parse(payload);
      const result = await declareIncident(deps.prisma, {
        ...request.submission,
        declaredById: request.userId,
        idempotencyKey: `view:${request.viewId}`,
        at: new Date(request.at),
        announce: deps.announce ?? false,
      });
      deps.enqueue(result.outboxIds);
      deps.logger.info(
        {
          event: result.created ? 'incident_declared' : 'incident_declare_repeated',
          incident: result.incident.number,
        },
        `INC-${result.incident.number} ${result.created ? 'declared' : 'already declared for this form'}`,
      );
    },
    'incident.update_requested': async (payload) => {
      const request = OUTBOX_PAYLOADS['incident.update_requested'].parse(payload);
      const outcome = await applyUpdateSubmission(deps.prisma, request);
      if (outcome.ok) {
        deps.enqueue(outcome.outboxIds);
        return;
      }
      // Checked when the modal was submitted; only a change made since then gets here.
      const now = outcome.incident;
      const key = incidentKey(now);
      const changed =
        now.version !== request.openedAtVersion
          ? ` The incident changed while you were editing: ${key} is now ${STAGE_LABELS[stageOf(now.status)]}, ${now.severity}.`
          : '';
      await explainRejectedUpdate(
        deps.slack,
        now,
        request.userId,
        `Your update to ${key} was not posted: ${escapeMrkdwn(outcome.error)}${changed}`,
      );
    },
  };
}

/** A submission that failed for good: the responder hears so instead of waiting in silence. */
export async function reportFailedSubmission(
  slack: WebClient,
  row: { topic: string; payload: unknown },
  reason: string,
): Promise<void> {
  const declare = OUTBOX_PAYLOADS['incident.declare_requested'].safeParse(row.payload);
  const update = OUTBOX_PAYLOADS['incident.update_requested'].safeParse(row.payload);
  const userId = declare.success ? declare.data.userId : update.success ? update.data.userId : undefined;
  if (!userId) return;
  const what = declare.success
    ? `declare “${escapeMrkdwn(declare.data.submission.title)}”`
    : 'post your incident update';
  await slack.chat.postMessage({
    channel: userId,
    text: `Sitrep could not ${what} (${escapeMrkdwn(reason)}). Please submit it again.`,
  });
}
