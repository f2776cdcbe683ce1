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
    usageHint:
      'declare [title] | update | status <stage> [message] | resolve | list | action add [title] | actions [overdue] | help',
    /** Slack sends mentions as `<@U123|name>`, which the parser needs to get user ids. */
    shouldEscape: true,
  },
} as const;

/** Interactive element ids (buttons on the help reply and on the pinned incident card). */
export const ACTION_IDS = {
  openDeclareModal: 'sitrep_open_declare_modal',
  openUpdateModal: 'sitrep_open_update_modal',
  /** On the postmortem message in the incident channel; `value` = incident id. */
  editPostmortem: 'sitrep_edit_postmortem',
  publishPostmortem: 'sitrep_publish_postmortem',
  /** Buttons on action item reminders and lists; `value` = action item id. */
  actionItemDone: 'sitrep_action_item_done',
  actionItemSnoozeDay: 'sitrep_action_item_snooze_day',
  actionItemSnoozeWeek: 'sitrep_action_item_snooze_week',
  actionItemEdit: 'sitrep_action_item_edit',
} as const;

/** Modal callback ids: which view a `view_submission` belongs to. */
export const VIEW_IDS = {
  declare: 'sitrep_declare_incident',
  update: 'sitrep_post_update',
  postmortem: 'sitrep_postmortem',
  addActionItem: 'sitrep_add_action_item',
  editActionItem: 'sitrep_edit_action_item',
} as const;

/** Message shortcuts (manifest `features.shortcuts`, type `message`). */
export const MESSAGE_SHORTCUTS = {
  addToTimeline: {
    callbackId: 'sitrep_add_to_timeline',
    name: 'Add to timeline',
    description: 'Add this message to the incident timeline',
  },
} as const;

export const SHORTCUT_IDS = { addToTimeline: MESSAGE_SHORTCUTS.addToTimeline.callbackId } as const;

/**
 * Input block ids and their element action ids in the declare and update modals.
 * Field errors (`response_action: errors`) are keyed by these block ids.
 */
export const INPUT_IDS = {
  title: { block: 'title', action: 'title_input' },
  severity: { block: 'severity', action: 'severity_select' },
  summary: { block: 'summary', action: 'summary_input' },
  components: { block: 'components', action: 'components_select' },
  lead: { block: 'lead', action: 'lead_select' },
  options: { block: 'options', action: 'options_checkboxes' },
  stage: { block: 'stage', action: 'stage_select' },
  publicMessage: { block: 'public_message', action: 'public_message_input' },
  internalNote: { block: 'internal_note', action: 'internal_note_input' },
  notify: { block: 'notify', action: 'notify_checkboxes' },
  componentImpact: { blockPrefix: 'impact_', action: 'impact_select' },
  pmImpactStart: { block: 'pm_impact_start', action: 'pm_impact_start_picker' },
  pmImpactEnd: { block: 'pm_impact_end', action: 'pm_impact_end_picker' },
  pmSummary: { block: 'pm_summary', action: 'pm_summary_input' },
  pmRootCause: { block: 'pm_root_cause', action: 'pm_root_cause_input' },
  pmImpact: { block: 'pm_impact', action: 'pm_impact_input' },
  pmNotImpacted: { block: 'pm_not_impacted', action: 'pm_not_impacted_input' },
  pmRemediation: { block: 'pm_remediation', action: 'pm_remediation_input' },
  pmActionItems: { block: 'pm_action_items', action: 'pm_action_items_input' },
  actionTitle: { block: 'action_title', action: 'action_title_input' },
  actionOwner: { block: 'action_owner', action: 'action_owner_select' },
  actionDue: { block: 'action_due', action: 'action_due_date' },
  actionPriority: { block: 'action_priority', action: 'action_priority_select' },
} as const;

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
  'channels:join': 'join the announcements channel before posting there',
  'channels:history':
    'read the message a timeline reaction was added to; find a post a retried job already made',
  'groups:history': 'the same in private incidents: reacted-to messages, posts a retried job already made',
  'reactions:read': 'receive reaction_added events for the timeline reaction',
  'groups:read': 'read private incident channel details',
  'pins:write': 'pin the incident summary card',
  'users:read': 'show responders by name and time zone',
  'im:write': 'send action item reminders by direct message',
  'files:write': 'upload the postmortem export as a markdown file',
} as const;

export type BotScope = keyof typeof BOT_SCOPES;

/** Events the app subscribes to (manifest `settings.event_subscriptions.bot_events`). */
export const BOT_EVENTS: readonly string[] = ['reaction_added'];
