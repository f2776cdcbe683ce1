import type { App } from '@slack/bolt';
import { declareIncident } from '../../services/declare-incident';
import { INPUT_IDS, VIEW_IDS } from '../ids';
import type { ListenerDeps } from '../listener-deps';
import { parseDeclareSubmission, viewStateSchema } from './view-values';

export function registerDeclareView(app: App, deps: ListenerDeps): void {
  app.view(VIEW_IDS.declare, async ({ ack, body, view }) => {
    const state = viewStateSchema.safeParse(view.state.values);
    if (!state.success) {
      await ack({
        response_action: 'errors',
        errors: { [INPUT_IDS.title.block]: 'Sitrep could not read this form; please try again.' },
      });
      return;
    }
    const componentIds = new Set(
      (await deps.prisma.component.findMany({ select: { id: true } })).map((c) => c.id),
    );
    const submission = parseDeclareSubmission(state.data, componentIds);
    if (!submission.ok) {
      await ack({ response_action: 'errors', errors: submission.errors });
      return;
    }
    // Saved before the ack so a failure can still be shown in the open modal; it is one
    // short transaction, well inside Slack's 3 s.
    const result = await declareIncident(deps.prisma, {
      ...submission.value,
      declaredById: body.user.id,
      idempotencyKey: `view:${view.id}`,
      at: deps.now(),
    });
    await ack();
    deps.enqueueOutbox(result.outboxIds);
    deps.logger.info(
      {
        event: result.created ? 'incident_declared' : 'incident_declare_repeated',
        incident: result.incident.number,
      },
      `INC-${result.incident.number} ${result.created ? 'declared' : 'already declared for this form'}`,
    );
  });
}
