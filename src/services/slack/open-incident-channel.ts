import type { WebClient } from '@slack/web-api';
import type { PrismaClient } from '../../db/prisma';
import { incidentChannelName } from '../../domain/channel-name';
import type { Incident } from '../../generated/prisma/client';
import { slackErrorCode, tolerating } from './slack-errors';

const MAX_NAME_ATTEMPTS = 10;

/**
 * Creates the incident's channel once (`inc-<n>-<slug>`, private for private incidents). When
 * the name is taken it tries `-2`, `-3`, ...; the channel id is stored at once, so a retried
 * job finds it instead of creating a second channel.
 */
export async function openIncidentChannel(
  prisma: PrismaClient,
  slack: WebClient,
  incident: Incident,
): Promise<string> {
  if (incident.slackChannelId) return incident.slackChannelId;
  for (let attempt = 0; attempt < MAX_NAME_ATTEMPTS; attempt += 1) {
    const name = incidentChannelName(incident.number, incident.title, attempt);
    try {
      const created = await slack.conversations.create({ name, is_private: incident.isPrivate });
      const channelId = created.channel?.id;
      if (!channelId) throw new Error('conversations.create returned no channel id');
      await prisma.incident.update({
        where: { id: incident.id },
        data: { slackChannelId: channelId, slackChannelName: name },
      });
      return channelId;
    } catch (error) {
      if (slackErrorCode(error) !== 'name_taken') throw error;
    }
  }
  throw new Error(`No free channel name for INC-${incident.number} after ${MAX_NAME_ATTEMPTS} attempts`);
}

export async function inviteToChannel(slack: WebClient, channelId: string, userIds: string[]) {
  const users = [...new Set(userIds)].filter(Boolean);
  // One call per user: Slack fails the whole batch when one of them is already in the channel.
  for (const user of users) {
    await tolerating(
      () => slack.conversations.invite({ channel: channelId, users: user }),
      ['already_in_channel', 'cant_invite_self'],
    );
  }
}
