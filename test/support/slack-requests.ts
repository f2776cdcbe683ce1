/**
 * Signed requests to the real Bolt receiver (`<baseUrl>/slack/events`), shaped as Slack sends them:
 * slash commands and interactions form-encoded (interactions as `payload=<json>`), Events API
 * deliveries as JSON. Every builder returns the fetch Response and takes `{ secret?, timestamp? }`
 * to send a bad signature or a stale timestamp. Team and bot ids match the fake Slack server's
 * auth.test answer, so Bolt sees one consistent workspace.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { INPUT_IDS } from '../../src/slack/ids';
import {
  FAKE_APP_ID,
  FAKE_BOT_ID,
  FAKE_BOT_USER_ID,
  FAKE_TEAM_DOMAIN,
  FAKE_TEAM_ID,
} from './fake-slack-rules';

export const TEST_SIGNING_SECRET = 'test-signing-secret-0123456789';
export const TEST_BOT_TOKEN = 'xoxb-test-0000-bot-token';
/** The deprecated verification token Slack still puts in every payload. */
export const TEST_VERIFICATION_TOKEN = 'legacy-verification-token';
export const TEST_USER_ID = 'U0RESPONDER';
export const TEST_CHANNEL_ID = 'C0GENERAL';
/** Where response_url points unless a test passes fake.responseUrl(): nothing listens there. */
const UNROUTABLE_RESPONSE_URL = 'https://hooks.slack.invalid/actions/T0TEAM/1/abc';

export interface SignOptions {
  /** Signs with this secret instead of TEST_SIGNING_SECRET. */
  secret?: string;
  /** X-Slack-Request-Timestamp in seconds; default now. */
  timestamp?: number;
  /** Extra request headers. */
  headers?: Record<string, string>;
}

/** Signs a body the way Slack does (v0 HMAC-SHA256 over `v0:<timestamp>:<body>`). */
export function slackSignature(body: string, timestamp: number, secret = TEST_SIGNING_SECRET): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** The headers Slack sends with a body: content type, timestamp and signature. */
export function signedHeaders(
  body: string,
  contentType: string,
  options: SignOptions = {},
): Record<string, string> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  return {
    'content-type': contentType,
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': slackSignature(body, timestamp, options.secret),
    ...options.headers,
  };
}

export async function postSigned(
  url: string,
  body: string,
  contentType: string,
  options: SignOptions = {},
): Promise<Response> {
  return fetch(url, { method: 'POST', headers: signedHeaders(body, contentType, options), body });
}

const eventsUrl = (baseUrl: string): string => `${baseUrl}/slack/events`;
const newTriggerId = (): string =>
  `${Date.now()}.${randomBytes(4).readUInt32BE()}.${randomBytes(8).toString('hex')}`;
/** A message-style ts for now: `1700000000.123456`. */
export const nowTs = (): string => {
  const micros = BigInt(Date.now()) * 1000n + BigInt(randomBytes(2).readUInt16BE() % 1000);
  return `${micros / 1_000_000n}.${String(micros % 1_000_000n).padStart(6, '0')}`;
};
const team = () => ({ id: FAKE_TEAM_ID, domain: FAKE_TEAM_DOMAIN });
const user = (id: string) => ({
  id,
  username: id.toLowerCase(),
  name: id.toLowerCase(),
  team_id: FAKE_TEAM_ID,
});
const channel = (id: string) => ({
  id,
  name: id === TEST_CHANNEL_ID ? 'general' : `channel-${id.toLowerCase()}`,
});

/** An interaction payload, form-encoded as `payload=<json>` like Slack sends it. */
export function postInteraction(
  baseUrl: string,
  payload: Record<string, unknown>,
  options: SignOptions = {},
): Promise<Response> {
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return postSigned(eventsUrl(baseUrl), body, 'application/x-www-form-urlencoded', options);
}

/** A `/incident` slash command as Slack sends it (form-encoded). */
export function sendSlashCommand(
  baseUrl: string,
  text: string,
  overrides: Record<string, string> = {},
  options: SignOptions = {},
): Promise<Response> {
  const body = new URLSearchParams({
    token: TEST_VERIFICATION_TOKEN,
    team_id: FAKE_TEAM_ID,
    team_domain: FAKE_TEAM_DOMAIN,
    channel_id: TEST_CHANNEL_ID,
    channel_name: 'general',
    user_id: TEST_USER_ID,
    user_name: 'responder',
    command: '/incident',
    text,
    api_app_id: FAKE_APP_ID,
    response_url: 'https://hooks.slack.invalid/commands/T0TEAM/1/abc',
    trigger_id: newTriggerId(),
    ...overrides,
  }).toString();
  return postSigned(eventsUrl(baseUrl), body, 'application/x-www-form-urlencoded', options);
}

/* ---- view_submission and its state values ---- */

const option = (value: string) => ({ text: { type: 'plain_text', text: value, emoji: true }, value });

export type ViewStateValue =
  | { type: 'plain_text_input'; value: string | null }
  | { type: 'static_select'; selected_option: ReturnType<typeof option> | null }
  | { type: 'multi_static_select'; selected_options: ReturnType<typeof option>[] }
  | { type: 'users_select'; selected_user: string | null }
  | { type: 'multi_users_select'; selected_users: string[] }
  | { type: 'conversations_select'; selected_conversation: string | null }
  | { type: 'checkboxes'; selected_options: ReturnType<typeof option>[] }
  | { type: 'datetimepicker'; selected_date_time: number | null }
  | { type: 'datepicker'; selected_date: string | null };

/** `view.state.values`: `{ [block_id]: { [action_id]: value } }`. */
export type ViewStateValues = Record<string, Record<string, ViewStateValue>>;

/** An empty plain_text_input submits `value: null`. */
export const textValue = (value: string | null): ViewStateValue => ({ type: 'plain_text_input', value });
export const selectValue = (value: string | null): ViewStateValue => ({
  type: 'static_select',
  selected_option: value === null ? null : option(value),
});
export const multiSelectValue = (values: string[]): ViewStateValue => ({
  type: 'multi_static_select',
  selected_options: values.map(option),
});
export const userValue = (userId: string | null): ViewStateValue => ({
  type: 'users_select',
  selected_user: userId,
});
export const multiUserValue = (userIds: string[]): ViewStateValue => ({
  type: 'multi_users_select',
  selected_users: userIds,
});
export const conversationValue = (channelId: string | null): ViewStateValue => ({
  type: 'conversations_select',
  selected_conversation: channelId,
});
export const checkboxValue = (values: string[]): ViewStateValue => ({
  type: 'checkboxes',
  selected_options: values.map(option),
});
/** Seconds since the epoch, as Slack's datetimepicker submits it. */
export const dateTimeValue = (epochSeconds: number | null): ViewStateValue => ({
  type: 'datetimepicker',
  selected_date_time: epochSeconds,
});

/** `YYYY-MM-DD`, as Slack's datepicker submits it (null when left empty). */
export const dateValue = (date: string | null): ViewStateValue => ({
  type: 'datepicker',
  selected_date: date,
});

export interface ViewResponseUrl {
  block_id: string;
  action_id: string;
  channel_id: string;
  response_url: string;
}

export interface ViewSubmission {
  callbackId: string;
  values: ViewStateValues;
  viewId?: string;
  privateMetadata?: string;
  userId?: string;
  hash?: string;
  /** Present when the modal has an input with `response_url_enabled` (Bolt's respond() uses the first). */
  responseUrls?: ViewResponseUrl[];
  /** Extra view fields, e.g. a view the bot opened (fake.views()) so `blocks`/`title` match. */
  view?: Record<string, unknown>;
}

/** A modal submission (`view_submission`), as Slack posts it when the user presses Submit. */
export function sendViewSubmission(
  baseUrl: string,
  submission: ViewSubmission,
  options: SignOptions = {},
): Promise<Response> {
  const viewId = submission.viewId ?? (submission.view?.id as string | undefined) ?? 'V0MODAL';
  const view = {
    type: 'modal',
    team_id: FAKE_TEAM_ID,
    blocks: [],
    title: { type: 'plain_text', text: 'Sitrep', emoji: true },
    close: null,
    submit: { type: 'plain_text', text: 'Submit', emoji: true },
    clear_on_close: false,
    notify_on_close: false,
    external_id: '',
    previous_view_id: null,
    app_id: FAKE_APP_ID,
    app_installed_team_id: FAKE_TEAM_ID,
    bot_id: FAKE_BOT_ID,
    ...submission.view,
    id: viewId,
    root_view_id: (submission.view?.root_view_id as string | undefined) ?? viewId,
    callback_id: submission.callbackId,
    private_metadata:
      submission.privateMetadata ?? (submission.view?.private_metadata as string | undefined) ?? '',
    hash: submission.hash ?? (submission.view?.hash as string | undefined) ?? '1700000000.abcdef12',
    state: { values: submission.values },
  };
  return postInteraction(
    baseUrl,
    {
      type: 'view_submission',
      team: team(),
      user: user(submission.userId ?? TEST_USER_ID),
      api_app_id: FAKE_APP_ID,
      token: TEST_VERIFICATION_TOKEN,
      trigger_id: newTriggerId(),
      view,
      response_urls: submission.responseUrls ?? [],
      is_enterprise_install: false,
      enterprise: null,
    },
    options,
  );
}

/* ---- block_actions, message shortcuts ---- */

export interface BlockActionClick {
  actionId: string;
  blockId?: string;
  value?: string;
  userId?: string;
  channelId?: string;
  /** The message the button is on; without it the container is the channel only. */
  messageTs?: string;
  /** The whole message the button is on, e.g. fake.message(channel, ts); defaults to a bot message. */
  message?: Record<string, unknown>;
  responseUrl?: string;
  triggerId?: string;
}

/** A button click on a message (`block_actions`). */
export function sendBlockAction(
  baseUrl: string,
  click: BlockActionClick,
  options: SignOptions = {},
): Promise<Response> {
  const channelId = click.channelId ?? TEST_CHANNEL_ID;
  const messageTs = click.messageTs ?? (click.message?.ts as string | undefined);
  const message = messageTs
    ? {
        type: 'message',
        user: FAKE_BOT_USER_ID,
        bot_id: FAKE_BOT_ID,
        text: '',
        ...click.message,
        ts: messageTs,
      }
    : undefined;
  return postInteraction(
    baseUrl,
    {
      type: 'block_actions',
      user: user(click.userId ?? TEST_USER_ID),
      api_app_id: FAKE_APP_ID,
      token: TEST_VERIFICATION_TOKEN,
      container: messageTs
        ? { type: 'message', message_ts: messageTs, channel_id: channelId, is_ephemeral: false }
        : { type: 'channel', channel_id: channelId },
      trigger_id: click.triggerId ?? newTriggerId(),
      team: team(),
      enterprise: null,
      is_enterprise_install: false,
      channel: channel(channelId),
      ...(message ? { message } : {}),
      state: { values: {} },
      response_url: click.responseUrl ?? UNROUTABLE_RESPONSE_URL,
      actions: [
        {
          action_id: click.actionId,
          block_id: click.blockId ?? 'actions',
          text: { type: 'plain_text', text: click.actionId, emoji: true },
          ...(click.value !== undefined ? { value: click.value } : {}),
          type: 'button',
          action_ts: nowTs(),
        },
      ],
    },
    options,
  );
}

export interface MessageShortcutUse {
  callbackId: string;
  channelId: string;
  messageTs: string;
  text: string;
  /** Author of the message the shortcut was used on; default TEST_USER_ID. */
  messageUserId?: string;
  /** Who used the shortcut; default TEST_USER_ID. */
  userId?: string;
  responseUrl?: string;
}

/** A message shortcut (`message_action`) used from a message's "More actions" menu. */
export function sendMessageShortcut(
  baseUrl: string,
  use: MessageShortcutUse,
  options: SignOptions = {},
): Promise<Response> {
  return postInteraction(
    baseUrl,
    {
      type: 'message_action',
      token: TEST_VERIFICATION_TOKEN,
      action_ts: nowTs(),
      team: team(),
      user: user(use.userId ?? TEST_USER_ID),
      channel: channel(use.channelId),
      is_enterprise_install: false,
      enterprise: null,
      callback_id: use.callbackId,
      trigger_id: newTriggerId(),
      response_url: use.responseUrl ?? UNROUTABLE_RESPONSE_URL,
      message_ts: use.messageTs,
      message: {
        type: 'message',
        user: use.messageUserId ?? TEST_USER_ID,
        ts: use.messageTs,
        text: use.text,
        team: FAKE_TEAM_ID,
      },
    },
    options,
  );
}

/* ---- Events API ---- */

export interface EventDelivery extends SignOptions {
  eventId?: string;
  /** Slack's retry count (1–3) for a redelivery: sent as X-Slack-Retry-Num. */
  retryNum?: number;
  /** e.g. `http_timeout`, `http_error`: sent as X-Slack-Retry-Reason. */
  retryReason?: string;
}

/** An Events API delivery (`event_callback`) carrying `event`, retried when retryNum is given. */
export function sendEvent(
  baseUrl: string,
  event: Record<string, unknown>,
  delivery: EventDelivery = {},
): Promise<Response> {
  const body = JSON.stringify({
    token: TEST_VERIFICATION_TOKEN,
    team_id: FAKE_TEAM_ID,
    context_team_id: FAKE_TEAM_ID,
    context_enterprise_id: null,
    api_app_id: FAKE_APP_ID,
    event,
    type: 'event_callback',
    event_id: delivery.eventId ?? `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [
      {
        enterprise_id: null,
        team_id: FAKE_TEAM_ID,
        user_id: FAKE_BOT_USER_ID,
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
  });
  const headers: Record<string, string> = { ...delivery.headers };
  if (delivery.retryNum !== undefined) headers['x-slack-retry-num'] = String(delivery.retryNum);
  if (delivery.retryReason !== undefined) headers['x-slack-retry-reason'] = delivery.retryReason;
  return postSigned(eventsUrl(baseUrl), body, 'application/json', { ...delivery, headers });
}

/** A `reaction_added` event for a message; item_user is left out unless given (as for bot posts by webhook). */
export function reactionAddedEvent(reaction: {
  user: string;
  reaction: string;
  channel: string;
  ts: string;
  itemUser?: string;
}): Record<string, unknown> {
  return {
    type: 'reaction_added',
    user: reaction.user,
    reaction: reaction.reaction,
    ...(reaction.itemUser !== undefined ? { item_user: reaction.itemUser } : {}),
    item: { type: 'message', channel: reaction.channel, ts: reaction.ts },
    event_ts: nowTs(),
  };
}

/** The `url_verification` handshake Slack sends when the Request URL is saved; Bolt echoes the challenge. */
export function sendUrlVerification(
  baseUrl: string,
  challenge: string,
  options: SignOptions = {},
): Promise<Response> {
  const body = JSON.stringify({ token: TEST_VERIFICATION_TOKEN, challenge, type: 'url_verification' });
  return postSigned(eventsUrl(baseUrl), body, 'application/json', options);
}

/* ---- the declare modal's values ---- */

export interface DeclareForm {
  title: string;
  severity?: string;
  summary?: string;
  componentIds?: string[];
  leadId?: string;
  isPrivate?: boolean;
}

/** The declare modal's `state.values` as Slack sends them on submit (lead U0LEAD, SEV2 by default). */
export function declareFormValues(form: DeclareForm): ViewStateValues {
  return {
    [INPUT_IDS.title.block]: { [INPUT_IDS.title.action]: textValue(form.title) },
    [INPUT_IDS.severity.block]: { [INPUT_IDS.severity.action]: selectValue(form.severity ?? 'SEV2') },
    ...(form.summary !== undefined
      ? { [INPUT_IDS.summary.block]: { [INPUT_IDS.summary.action]: textValue(form.summary) } }
      : {}),
    ...(form.componentIds
      ? {
          [INPUT_IDS.components.block]: {
            [INPUT_IDS.components.action]: multiSelectValue(form.componentIds),
          },
        }
      : {}),
    [INPUT_IDS.lead.block]: { [INPUT_IDS.lead.action]: userValue(form.leadId ?? 'U0LEAD') },
    [INPUT_IDS.options.block]: {
      [INPUT_IDS.options.action]: checkboxValue(form.isPrivate ? ['private'] : []),
    },
  };
}
