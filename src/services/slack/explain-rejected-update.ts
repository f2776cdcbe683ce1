import type { WebClient } from '@slack/web-api';
import type { Incident } from '../../generated/prisma/client';
import { isPermanentSlackError, slackErrorCode } from './slack-errors';

/**
 * Tells a responder that their submitted update was not applied. The modal closed with the ack,
 * so the answer is an ephemeral message in the incident channel, or a direct message when that
 * cannot be posted (the channel is gone, or they are not in it).
 */
export async function explainRejectedUpdate(
  slack: WebClient,
  incident: Pick<Incident, 'slackChannelId'>,
  userId: string,
  text: string,
): Promise<void> {
  if (incident.slackChannelId) {
    try {
      await slack.chat.postEphemeral({ channel: incident.slackChannelId, user: userId, text });
      return;
    } catch (error) {
      // Not a member (they pressed the card's button from a preview): tell them directly.
      const code = slackErrorCode(error);
      if (!isPermanentSlackError(error) && code !== 'user_not_in_channel' && code !== 'not_in_channel')
        throw error;
    }
  }
  await slack.chat.postMessage({ channel: userId, text });
}
