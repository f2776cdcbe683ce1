import type { App, BlockButtonAction, RespondFn, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { incidentKey } from '../../db/incident-mapping';
import type { ParsedCommand } from '../../domain/command-parser';
import { dueDateText, todayIn } from '../../domain/due-date';
import { addActionItem } from '../../services/add-action-item';
import {
  completeActionItem,
  editActionItem,
  snoozeActionItem,
  type ChangeResult,
} from '../../services/change-action-item';
import { findIncidentByChannel } from '../../services/find-incident';
import { reminderLine } from '../../services/reminder-delivery';
import {
  listIncidentActionItems,
  listOverdueActionItems,
  listOwnedActionItems,
} from '../../services/list-action-items';
import { UserTimeZones } from '../../services/slack/user-time-zones';
import { actionItemModal, type PriorityValue } from '../blocks/action-item-modal';
import { renderActionItemList, renderOverdueView, reminderOutcome } from '../blocks/action-items';
import { ACTION_IDS, INPUT_IDS, VIEW_IDS } from '../ids';
import type { ListenerDeps } from '../listener-deps';
import { addMetadataSchema, editMetadataSchema, parseActionItemSubmission } from './action-item-values';
import { openModalOrExplain } from './open-modals';
import { parseMetadata, viewStateSchema } from './view-values';

type Ack = SlackCommandMiddlewareArgs['ack'];
const ephemeral = (text: string) => ({ response_type: 'ephemeral' as const, text });
const itemIdSchema = z.uuid();
const SNOOZE_DAYS: Record<string, number> = {
  [ACTION_IDS.actionItemSnoozeDay]: 1,
  [ACTION_IDS.actionItemSnoozeWeek]: 7,
};

/** `/incident action add [title]` and `/incident actions [overdue]`. */
export async function handleActionItemCommand(
  deps: ListenerDeps,
  sub: Extract<ParsedCommand, { kind: 'action' | 'actions' }>,
  command: { user_id: string; channel_id: string; trigger_id: string },
  ack: Ack,
  client: WebClient,
  respond: RespondFn,
): Promise<void> {
  if (sub.kind === 'actions' && sub.filter === 'overdue') {
    await ack(ephemeral(renderOverdueView(await listOverdueActionItems(deps.prisma, deps.now()))));
    return;
  }
  const incident = await findIncidentByChannel(deps.prisma, command.channel_id);
  if (sub.kind === 'actions') {
    if (incident) {
      const key = incidentKey(incident);
      const items = await listIncidentActionItems(deps.prisma, incident.id);
      await ack(
        ephemeral(renderActionItemList(`${key} action items`, items, `${key} has no action items yet.`)),
      );
    } else {
      const items = await listOwnedActionItems(deps.prisma, command.user_id);
      await ack(
        ephemeral(renderActionItemList('Your open action items', items, 'You have no open action items.')),
      );
    }
    return;
  }
  if (!incident) {
    await ack(
      ephemeral('`/incident action add` works inside an incident channel. Use `/incident list` to find one.'),
    );
    return;
  }
  await ack();
  await openModalOrExplain(
    async () => {
      await client.views.open({
        trigger_id: command.trigger_id,
        view: actionItemModal({
          mode: 'add',
          incidentKey: incidentKey(incident),
          incidentId: incident.id,
          title: sub.title,
          ownerId: command.user_id,
          priority: 'medium',
        }),
      });
    },
    respond,
    'run the command again',
  );
}

export function registerActionItems(app: App, deps: ListenerDeps): void {
  const timeZones = new UserTimeZones(app.client);
  const today = async (userId: string) => todayIn(deps.now(), await timeZones.of(userId));

  app.view(VIEW_IDS.addActionItem, async ({ ack, body, view }) => {
    const state = viewStateSchema.safeParse(view.state.values);
    const metadata = parseMetadata(addMetadataSchema, view.private_metadata);
    const incident =
      metadata && (await deps.prisma.incident.findUnique({ where: { id: metadata.incidentId } }));
    if (!state.success || !incident) {
      await ack({
        response_action: 'errors',
        errors: { [INPUT_IDS.actionTitle.block]: 'Sitrep could not read this form; please open it again.' },
      });
      return;
    }
    const submission = parseActionItemSubmission(state.data, await today(body.user.id));
    if (!submission.ok) {
      await ack({ response_action: 'errors', errors: submission.errors });
      return;
    }
    const result = await addActionItem(deps.prisma, {
      ...submission.value,
      incidentId: incident.id,
      createdById: body.user.id,
      idempotencyKey: `view:${view.id}`,
      at: deps.now(),
    });
    await ack();
    deps.enqueueOutbox(result.outboxIds);
    deps.logger.info(
      {
        event: result.created ? 'action_item_added' : 'action_item_add_repeated',
        actionItem: result.actionItem.id,
      },
      `Action item ${result.created ? 'added' : 'already added'} on INC-${incident.number}`,
    );
  });

  app.view(VIEW_IDS.editActionItem, async ({ ack, body, view }) => {
    const state = viewStateSchema.safeParse(view.state.values);
    const metadata = parseMetadata(editMetadataSchema, view.private_metadata);
    if (!state.success || !metadata) {
      await ack({
        response_action: 'errors',
        errors: { [INPUT_IDS.actionTitle.block]: 'Sitrep could not read this form.' },
      });
      return;
    }
    const submission = parseActionItemSubmission(state.data, await today(body.user.id));
    if (!submission.ok) {
      await ack({ response_action: 'errors', errors: submission.errors });
      return;
    }
    const result = await editActionItem(deps.prisma, {
      ...submission.value,
      actionItemId: metadata.actionItemId,
      actorId: body.user.id,
      at: deps.now(),
    });
    if (!result.ok) {
      await ack({ response_action: 'errors', errors: { [INPUT_IDS.actionTitle.block]: result.error } });
      return;
    }
    await ack();
    deps.enqueueOutbox(result.outboxIds);
  });

  const refuse = (respond: RespondFn, text: string) =>
    respond({ response_type: 'ephemeral', replace_original: false, text });

  async function buttonItem(action: BlockButtonAction['actions'][number], respond: RespondFn) {
    const id = itemIdSchema.safeParse('value' in action ? action.value : undefined);
    const item = id.success
      ? await deps.prisma.actionItem.findUnique({ where: { id: id.data }, include: { incident: true } })
      : null;
    if (!item) await refuse(respond, 'This button belongs to an action item Sitrep no longer knows.');
    return item ?? undefined;
  }

  async function answer(respond: RespondFn, result: ChangeResult, outcome: string) {
    if (!result.ok) {
      await refuse(respond, result.error);
      return;
    }
    deps.enqueueOutbox(result.outboxIds);
    const item = result.actionItem;
    const incident = await deps.prisma.incident.findUniqueOrThrow({ where: { id: item.incidentId } });
    const line = reminderLine({ ...item, incidentNumber: incident.number });
    await respond({ replace_original: true, ...reminderOutcome(line, outcome) });
  }

  app.action<BlockButtonAction>(ACTION_IDS.actionItemDone, async ({ ack, body, action, respond }) => {
    await ack();
    const item = await buttonItem(action, respond);
    if (!item) return;
    if (item.ownerId !== body.user.id) {
      await refuse(respond, `Only the owner, <@${item.ownerId}>, can mark this action item done.`);
      return;
    }
    const result = await completeActionItem(deps.prisma, {
      actionItemId: item.id,
      actorId: body.user.id,
      at: deps.now(),
    });
    await answer(respond, result, 'Done :white_check_mark:');
  });

  for (const actionId of Object.keys(SNOOZE_DAYS)) {
    app.action<BlockButtonAction>(actionId, async ({ ack, body, action, respond }) => {
      await ack();
      const item = await buttonItem(action, respond);
      if (!item) return;
      if (item.ownerId !== body.user.id) {
        await refuse(respond, `Only the owner, <@${item.ownerId}>, can snooze this action item.`);
        return;
      }
      const days = SNOOZE_DAYS[actionId]!;
      const result = await snoozeActionItem(deps.prisma, {
        actionItemId: item.id,
        actorId: body.user.id,
        days,
        at: deps.now(),
      });
      await answer(respond, result, `Snoozed for ${days === 1 ? '1 day' : '1 week'}`);
    });
  }

  app.action<BlockButtonAction>(ACTION_IDS.actionItemEdit, async ({ ack, body, action, client, respond }) => {
    await ack();
    const item = await buttonItem(action, respond);
    if (!item) return;
    await openModalOrExplain(
      async () => {
        await client.views.open({
          trigger_id: body.trigger_id,
          view: actionItemModal({
            mode: 'edit',
            incidentKey: incidentKey(item.incident),
            actionItemId: item.id,
            title: item.title,
            ownerId: item.ownerId,
            ...(item.dueAt ? { dueDate: dueDateText(item.dueAt) } : {}),
            priority: item.priority.toLowerCase() as PriorityValue,
          }),
        });
      },
      respond,
      'click again',
    );
  });
}
