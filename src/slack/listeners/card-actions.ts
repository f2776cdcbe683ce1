import type { App, BlockButtonAction } from '@slack/bolt';
import { z } from 'zod';
import { slackErrorCode } from '../../services/slack/slack-errors';
import { ACTION_IDS } from '../ids';
import type { ListenerDeps } from '../listener-deps';
import { openDeclareModal, openUpdateModal } from './open-modals';

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
      await openUpdateModal(
        { prisma: deps.prisma, client },
        { triggerId: body.trigger_id, incidentId: incidentId.data },
      ).catch(async (error) => {
        if (slackErrorCode(error) !== 'expired_trigger_id') throw error;
        await respond({
          response_type: 'ephemeral',
          replace_original: false,
          text: 'Slack took too long to open the form. Please click again.',
        });
      });
    },
  );

  app.action<BlockButtonAction>(ACTION_IDS.openDeclareModal, async ({ ack, body, client, respond }) => {
    await ack();
    await openDeclareModal(
      { prisma: deps.prisma, client },
      { triggerId: body.trigger_id, title: '', userId: body.user.id, channelId: body.channel?.id },
    ).catch(async (error) => {
      if (slackErrorCode(error) !== 'expired_trigger_id') throw error;
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: 'Slack took too long to open the form. Please click again.',
      });
    });
  });
}
