import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { incidentKey, stageOf } from '../../db/incident-mapping';
import type { PrismaClient } from '../../db/prisma';
import { escapeMrkdwn } from '../../domain/mrkdwn';
import { slackErrorCode } from '../../services/slack/slack-errors';
import { declareModal, updateModal, type Impact } from '../blocks/modals';

/** Modals must open within ~3 s of the click or command (trigger ids expire): keep this lean. */
export async function openDeclareModal(
  deps: { prisma: PrismaClient; client: WebClient },
  input: { triggerId: string; title: string; userId: string; channelId?: string },
) {
  const components = await deps.prisma.component.findMany({
    include: { group: true },
    orderBy: [{ group: { position: 'asc' } }, { position: 'asc' }, { name: 'asc' }],
  });
  await deps.client.views.open({
    trigger_id: input.triggerId,
    view: declareModal({
      title: input.title,
      declaredById: input.userId,
      originChannelId: input.channelId,
      components: components.map((c) => ({ id: c.id, name: c.name, group: c.group?.name ?? null })),
    }),
  });
}

export async function openUpdateModal(
  deps: { prisma: PrismaClient; client: WebClient },
  input: { triggerId: string; incidentId: string },
) {
  const incident = await deps.prisma.incident.findUniqueOrThrow({
    where: { id: input.incidentId },
    include: { components: { include: { component: true } } },
  });
  await deps.client.views.open({
    trigger_id: input.triggerId,
    view: updateModal({
      incidentId: incident.id,
      incidentKey: incidentKey(incident),
      version: incident.version,
      stage: stageOf(incident.status),
      components: incident.components.map((c) => ({
        id: c.componentId,
        name: c.component.name,
        impact: c.impact as Impact,
      })),
    }),
  });
}

/**
 * Opens a modal, and when Slack refuses tells the user why in an ephemeral reply (an expired
 * trigger id means the click or command waited too long; the user can simply try again).
 */
export async function openModalOrExplain(
  open: () => Promise<void>,
  respond: RespondFn,
  retryHint: string,
): Promise<void> {
  try {
    await open();
  } catch (error) {
    const expired = slackErrorCode(error) === 'expired_trigger_id';
    await respond({
      response_type: 'ephemeral',
      replace_original: false,
      text: expired
        ? `Slack took too long to open the form. Please ${retryHint}.`
        : `Could not open the form: ${escapeMrkdwn((error as Error).message)}`,
    });
  }
}
