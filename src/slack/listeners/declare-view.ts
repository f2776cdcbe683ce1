import type { App } from '@slack/bolt';
import { outboxDraft } from '../../jobs/outbox-topics';
import { queueSubmission } from '../../services/queue-submission';
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
    const picked = (
      state.data[INPUT_IDS.components.block]?.[INPUT_IDS.components.action]?.selected_options ?? []
    ).map((option) => option.value);
    const submission = parseDeclareSubmission(state.data, await deps.components.idsCovering(picked));
    if (!submission.ok) {
      await ack({ response_action: 'errors', errors: submission.errors });
      return;
    }
    // One insert before the ack (durable, so nothing is lost); a job declares the incident.
    const stored = await queueSubmission(
      deps.pool,
      outboxDraft('incident.declare_requested', `view:${view.id}`, {
        v: 1,
        viewId: view.id,
        userId: body.user.id,
        at: deps.now().toISOString(),
        submission: submission.value,
      }),
      `declare:${view.id}`,
    );
    await ack();
    deps.offerSubmission(stored);
  });
}
