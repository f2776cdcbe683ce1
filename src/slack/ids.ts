/**
 * Every slash command, callback_id, block_id and action_id Sitrep uses, defined once.
 * Contract: these strings travel to Slack and back in payloads; renaming one breaks
 * messages and modals already posted, so add new ids rather than renaming old ones.
 * docs/slack.md documents them and manifest.yml must list every command here.
 */
export const SLASH_COMMANDS = {
  incident: {
    command: '/incident',
    description: 'Declare and run incidents',
    usageHint: 'help',
  },
} as const;

/** Interactive element ids; none yet (the help reply has no buttons in this build). */
export const ACTION_IDS = {} as const;

/**
 * Bot token scopes the code needs, and why. manifest.yml must request exactly these.
 */
export const BOT_SCOPES = {
  commands: 'receive the /incident slash command',
  'chat:write': 'post incident updates, announcements and reminders',
  'chat:write.public': 'post announcements in public channels the bot has not joined',
  'channels:manage': 'create public incident channels and invite responders',
  'groups:write': 'create private incident channels and invite responders',
  'channels:read': 'read incident channel details',
  'groups:read': 'read private incident channel details',
  'pins:write': 'pin the incident summary card',
  'users:read': 'show responders by name and time zone',
  'im:write': 'send action item reminders by direct message',
} as const;

export type BotScope = keyof typeof BOT_SCOPES;

/** Events the app subscribes to (manifest `settings.event_subscriptions.bot_events`). */
export const BOT_EVENTS: readonly string[] = [];
