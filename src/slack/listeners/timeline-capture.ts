import type { App, MessageShortcut } from '@slack/bolt';
import { z } from 'zod';
import { incidentKey } from '../../db/incident-mapping';
import { unescapeSlackText } from '../../domain/mrkdwn';
import { addTimelineMessage } from '../../services/add-timeline-message';
import { findIncidentByChannel } from '../../services/find-incident';
import { recordSlackDelivery, slackDeliverySeen } from '../../services/record-slack-delivery';
import { SHORTCUT_IDS } from '../ids';
import type { ListenerDeps } from '../listener-deps';

/** Contract: the `reaction_added` event fields this listener reads. */
const reactionSchema = z.object({
  reaction: z.string(),
  user: z.string(),
  item: z.object({ type: z.literal('message'), channel: z.string(), ts: z.string() }),
});

export function registerTimelineCapture(app: App, deps: ListenerDeps): void {
  app.shortcut<MessageShortcut>(SHORTCUT_IDS.addToTimeline, async ({ ack, shortcut, respond }) => {
    await ack();
    const incident = await findIncidentByChannel(deps.prisma, shortcut.channel.id);
    if (!incident) {
      await respond({
        response_type: 'ephemeral',
        text: '"Add to timeline" works on messages in an incident channel.',
      });
      return;
    }
    const { created } = await addTimelineMessage(deps.prisma, {
      incidentId: incident.id,
      actorId: shortcut.user.id,
      authorId: shortcut.message.user ?? null,
      text: unescapeSlackText(shortcut.message.text ?? ''),
      channelId: shortcut.channel.id,
      messageTs: shortcut.message.ts,
      at: deps.now(),
    });
    await respond({
      response_type: 'ephemeral',
      text: created
        ? `Added to ${incidentKey(incident)}'s timeline.`
        : `That message is already on ${incidentKey(incident)}'s timeline.`,
    });
  });

  app.event('reaction_added', async ({ event, body, client }) => {
    const parsed = reactionSchema.safeParse(event);
    // `pushpin::skin-tone-3` is still the pushpin.
    if (!parsed.success || parsed.data.reaction.split('::')[0] !== deps.timelineReaction) return;
    const { item, user } = parsed.data;
    const incident = await findIncidentByChannel(deps.prisma, item.channel);
    if (!incident) return;
    const deliveryId = `event:${(body as { event_id?: string }).event_id ?? `${item.channel}:${item.ts}:${user}`}`;
    // Slack retries events it thinks we missed: skip the Web API call for one already handled.
    // Recorded only after success, so a delivery that failed half-way is handled on retry.
    if (await slackDeliverySeen(deps.prisma, deliveryId)) return;
    const history = await client.conversations.history({
      channel: item.channel,
      latest: item.ts,
      inclusive: true,
      limit: 1,
    });
    const message = history.messages?.find((m) => m.ts === item.ts);
    if (message) {
      await addTimelineMessage(deps.prisma, {
        incidentId: incident.id,
        actorId: user,
        authorId: message.user ?? null,
        text: unescapeSlackText(message.text ?? ''),
        channelId: item.channel,
        messageTs: item.ts,
        at: deps.now(),
      });
    }
    await recordSlackDelivery(deps.prisma, deliveryId);
  });
}
