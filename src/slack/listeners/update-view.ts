import type { App } from '@slack/bolt';
import { incidentKey, snapshotOf, stageOf } from '../../db/incident-mapping';
import { decide } from '../../domain/incident';
import { STAGE_LABELS } from '../../domain/stages';
import { outboxDraft, outboxIdFor } from '../../jobs/outbox-topics';
import { loadIncidentForSubmission } from '../../services/load-incident-for-submission';
import { queueSubmission } from '../../services/queue-submission';
import { INPUT_IDS, VIEW_IDS } from '../ids';
import type { ListenerDeps } from '../listener-deps';
import { parseMetadata, parseUpdateSubmission, updateMetadataSchema, viewStateSchema } from './view-values';

export function registerUpdateView(app: App, deps: ListenerDeps): void {
  app.view(VIEW_IDS.update, async ({ ack, body, view }) => {
    const stageError = (message: string) =>
      ack({ response_action: 'errors', errors: { [INPUT_IDS.stage.block]: message } });
    const metadata = parseMetadata(updateMetadataSchema, view.private_metadata);
    const state = viewStateSchema.safeParse(view.state.values);
    const incident = metadata ? await loadIncidentForSubmission(deps.pool, metadata.incidentId) : undefined;
    if (!metadata || !state.success || !incident) {
      await stageError(
        'This form is out of date or damaged. Close it and open a new one with /incident update.',
      );
      return;
    }
    const submission = parseUpdateSubmission(state.data, new Set(incident.componentIds));
    if (!submission.ok) {
      await ack({ response_action: 'errors', errors: submission.errors });
      return;
    }
    const at = deps.now();
    const { componentImpacts, ...fields } = submission.value;
    // Decided here against the incident as it is now, so a move that makes no sense is a field
    // error in the open modal; the job decides again when it applies the update.
    const decision = decide(snapshotOf(incident), {
      type: 'post_update',
      ...fields,
      requireStageChange: false,
      at,
    });
    const submissionKey = `update:${view.id}`;
    if (!decision.ok) {
      // A repeated delivery of a submission already stored is answered as the first one was,
      // even when the incident has moved on since (its job explains any refusal).
      if (await deps.prisma.outboxMessage.findUnique({ where: { id: outboxIdFor(submissionKey) } })) {
        await ack();
        return;
      }
      const changed =
        incident.version !== metadata.version
          ? ` The incident changed while you were editing: ${incidentKey(incident)} is now ${STAGE_LABELS[stageOf(incident.status)]}, ${incident.severity}.`
          : '';
      await stageError(`${decision.error}${changed}`);
      return;
    }
    const stored = await queueSubmission(
      deps.pool,
      outboxDraft('incident.update_requested', incident.id, {
        v: 1,
        viewId: view.id,
        userId: body.user.id,
        at: at.toISOString(),
        incidentId: incident.id,
        openedAtVersion: metadata.version,
        seenStage: stageOf(incident.status),
        submission: { ...fields, componentImpacts },
      }),
      submissionKey,
    );
    await ack();
    deps.offerSubmission(stored);
  });
}
