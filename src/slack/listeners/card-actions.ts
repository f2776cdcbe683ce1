import type { App, BlockButtonAction } from '@slack/bolt';
import { z } from 'zod';
import { ACTION_IDS } from '../ids';
import type { ListenerDeps } from '../listener-deps';
import { openDeclareModal, openModalOrExplain, openUpdateModal } from './open-modals';

const incidentIdSchema = z.uuid();

export function registerCardActions(app: App, deps: ListenerDeps): void {
  app.action<BlockButtonAction>(
    ACTION_IDS.openUpdateModal,
    async ({ ack, body, action, client, respond }) => {
      await ack();
      const incidentId = incidentIdSchema.safeParse(action.value);
      const exists =
        incidentId.success && (await deps.prisma.incident.count({ where: { id: incidentId.data } })) > 0;
      if (!incidentId.success || !exists) {
        await respond({
          response_type: 'ephemeral',
          replace_original: false,
          text: 'This button belongs to an incident Sitrep no longer knows.',
        });
        return;
      }
      await openModalOrExplain(
        () =>
          openUpdateModal(
            { prisma: deps.prisma, client },
            { triggerId: body.trigger_id, incidentId: incidentId.data },
          ),
        respond,
        'click again',
      );
    },
  );

  app.action<BlockButtonAction>(ACTION_IDS.openDeclareModal, async ({ ack, body, client, respond }) => {
    await ack();
    await openModalOrExplain(
      () =>
        openDeclareModal(
          { prisma: deps.prisma, client },
          { triggerId: body.trigger_id, title: '', userId: body.user.id, channelId: body.channel?.id },
        ),
      respond,
      'click again',
    );
  });
}
