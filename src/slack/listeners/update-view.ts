import type { App } from '@slack/bolt';
import { incidentKey, stageOf } from '../../db/incident-mapping';
import { STAGE_LABELS } from '../../domain/stages';
import { applyIncidentCommand } from '../../services/apply-incident-command';
import { INPUT_IDS, VIEW_IDS } from '../ids';
import type { ListenerDeps } from '../listener-deps';
import { parseMetadata, parseUpdateSubmission, updateMetadataSchema, viewStateSchema } from './view-values';

export function registerUpdateView(app: App, deps: ListenerDeps): void {
  app.view(VIEW_IDS.update, async ({ ack, body, view }) => {
    const stageError = (message: string) =>
      ack({ response_action: 'errors', errors: { [INPUT_IDS.stage.block]: message } });
    const metadata = parseMetadata(updateMetadataSchema, view.private_metadata);
    const state = viewStateSchema.safeParse(view.state.values);
    const incident = metadata
      ? await deps.prisma.incident.findUnique({
          where: { id: metadata.incidentId },
          include: { components: true },
        })
      : null;
    if (!metadata || !state.success || !incident) {
      await stageError(
        'This form is out of date or damaged. Close it and open a new one with /incident update.',
      );
      return;
    }
    const submission = parseUpdateSubmission(
      state.data,
      new Set(incident.components.map((c) => c.componentId)),
    );
    if (!submission.ok) {
      await ack({ response_action: 'errors', errors: submission.errors });
      return;
    }
    const { componentImpacts, ...fields } = submission.value;
    const outcome = await applyIncidentCommand(
      deps.prisma,
      incident.id,
      { type: 'post_update', ...fields, requireStageChange: false, at: deps.now() },
      { actorId: body.user.id, idempotencyKey: `view:${view.id}`, componentImpacts },
    );
    if (!outcome.ok) {
      const now = outcome.incident;
      const changed =
        now.version !== metadata.version
          ? ` The incident changed while you were editing: ${incidentKey(now)} is now ${STAGE_LABELS[stageOf(now.status)]}, ${now.severity}.`
          : '';
      await stageError(`${outcome.error}${changed}`);
      return;
    }
    await ack();
    deps.enqueueOutbox(outcome.outboxIds);
  });
}
