/**
 * The Web API methods the fake Slack server (test/support/fake-slack.ts) implements. Each handler
 * gets the decoded arguments and the workspace state and returns the fields of an `ok: true`
 * answer, or throws SlackApiError for `{ ok: false, error }`.
 */
import { checkMessageContent, checkView } from './fake-slack-blocks';
import {
  type Args,
  FAKE_APP_ID,
  FAKE_BOT_ID,
  FAKE_BOT_USER_ID,
  FAKE_TEAM_DOMAIN,
  FAKE_TEAM_ID,
  SlackApiError,
  checkChannelName,
  isUserId,
  str,
} from './fake-slack-rules';
import { type HistoryQuery, State, channelJson, storeView, userJson } from './fake-slack-state';

export type Handler = (args: Args, state: State) => Args;

/**
 * Opens a modal with a trigger id. Trigger ids work once (`exchanged_trigger_id` on reuse; a
 * rejected view does not use one up); ids starting with `expired` have expired.
 */
function openWithTrigger(args: Args, state: State): Args {
  const trigger = str(args, 'trigger_id');
  if (!trigger) throw new SlackApiError('invalid_arguments', ['[ERROR] missing required field: trigger_id']);
  if (trigger.startsWith('expired')) throw new SlackApiError('expired_trigger_id');
  if (state.usedTriggers.has(trigger)) throw new SlackApiError('exchanged_trigger_id');
  checkView(args.view, ['modal']);
  state.usedTriggers.add(trigger);
  return { view: storeView(state, args.view) };
}

function historyQuery(args: Args): HistoryQuery {
  const limit = str(args, 'limit');
  if (limit !== undefined && !/^\d+$/.test(limit)) throw new SlackApiError('invalid_limit');
  return {
    latest: str(args, 'latest'),
    oldest: str(args, 'oldest'),
    inclusive: args.inclusive === true,
    ...(limit !== undefined && Number(limit) > 0 ? { limit: Math.min(Number(limit), 999) } : {}),
  };
}

export const handlers: Record<string, Handler> = {
  'apps.connections.open': (_args, state) => {
    if (!state.socketModeUrl)
      throw new SlackApiError('internal_error', ['no fake Socket Mode server was started']);
    return { url: state.socketModeUrl };
  },
  'auth.test': () => ({
    url: `https://${FAKE_TEAM_DOMAIN}.slack.com/`,
    team: 'Sitrep Test',
    user: 'sitrep',
    team_id: FAKE_TEAM_ID,
    user_id: FAKE_BOT_USER_ID,
    bot_id: FAKE_BOT_ID,
    is_enterprise_install: false,
  }),
  'chat.postMessage': (args, state) => {
    const channel = state.messageTarget(str(args, 'channel'));
    const text = checkMessageContent(args);
    const threadTs = str(args, 'thread_ts');
    const ts = state.nextTs();
    const message: Args = {
      type: 'message',
      ...(threadTs && args.reply_broadcast === true ? { subtype: 'thread_broadcast' } : {}),
      user: FAKE_BOT_USER_ID,
      bot_id: FAKE_BOT_ID,
      app_id: FAKE_APP_ID,
      team: FAKE_TEAM_ID,
      ts,
      text: text ?? '',
      ...(args.blocks ? { blocks: args.blocks } : {}),
      ...(args.attachments ? { attachments: args.attachments } : {}),
      ...(args.metadata ? { metadata: args.metadata } : {}),
      ...(threadTs ? { thread_ts: threadTs } : {}),
    };
    state.storeMessage(channel, message);
    return { channel, ts, message: structuredClone(message) };
  },
  'chat.update': (args, state) => {
    const channel = state.messageTarget(str(args, 'channel'));
    const ts = str(args, 'ts');
    if (!ts) throw new SlackApiError('message_not_found');
    const stored = state.messages.get(`${channel}/${ts}`);
    if (!stored) throw new SlackApiError('message_not_found');
    if (stored.message.bot_id !== FAKE_BOT_ID) throw new SlackApiError('cant_update_message');
    const text = checkMessageContent(args);
    const { message } = stored;
    if (text !== undefined) message.text = text;
    for (const key of ['blocks', 'attachments', 'metadata'] as const) {
      if (Array.isArray(args[key]) && (args[key] as unknown[]).length === 0) delete message[key];
      else if (args[key] !== undefined) message[key] = args[key];
    }
    message.edited = { user: FAKE_BOT_USER_ID, ts: state.nextTs() };
    stored.editCount += 1;
    return { channel, ts, text: message.text, message: structuredClone(message) };
  },
  'chat.postEphemeral': (args, state) => {
    state.messageTarget(str(args, 'channel'));
    if (!isUserId(str(args, 'user'))) throw new SlackApiError('user_not_found');
    checkMessageContent(args);
    return { message_ts: state.nextTs() };
  },
  'chat.getPermalink': (args, state) => {
    const channel = state.readableConversation(str(args, 'channel'));
    const ts = str(args, 'message_ts');
    const message = state.message(channel, ts);
    const threadTs = message.thread_ts as string | undefined;
    const thread = threadTs && threadTs !== ts ? `?thread_ts=${threadTs}&cid=${channel}` : '';
    const permalink = `https://${FAKE_TEAM_DOMAIN}.slack.com/archives/${channel}/p${(ts as string).replace('.', '')}${thread}`;
    return { channel, permalink };
  },
  'conversations.create': (args, state) => {
    const name = str(args, 'name');
    checkChannelName(name);
    if ([...state.channels.values()].some((c) => c.name === name)) throw new SlackApiError('name_taken');
    return {
      channel: channelJson(state.addChannel(state.nextId('C'), name as string, args.is_private === true)),
    };
  },
  'conversations.history': (args, state) => {
    const channel = state.readableConversation(str(args, 'channel'));
    const { messages, has_more } = state.history(channel, historyQuery(args));
    return {
      messages,
      has_more,
      pin_count: state.channels.get(channel)?.pins.size ?? 0,
      response_metadata: { next_cursor: '' },
    };
  },
  'conversations.replies': (args, state) => {
    const channel = state.readableConversation(str(args, 'channel'));
    const ts = str(args, 'ts');
    if (!ts) throw new SlackApiError('invalid_arguments', ['[ERROR] missing required field: ts']);
    if (!state.messages.has(`${channel}/${ts}`)) throw new SlackApiError('thread_not_found');
    const { messages, has_more } = state.history(channel, historyQuery(args), ts);
    return { messages, has_more, response_metadata: { next_cursor: '' } };
  },
  'conversations.invite': (args, state) => {
    const channel = state.joinedChannel(str(args, 'channel'));
    if (channel.is_archived) throw new SlackApiError('is_archived');
    const users = (str(args, 'users') ?? '')
      .split(',')
      .map((u) => u.trim())
      .filter(Boolean);
    if (users.length === 0) throw new SlackApiError('no_user');
    if (users.length > 100) throw new SlackApiError('too_many_users');
    for (const user of users) {
      if (user === FAKE_BOT_USER_ID) throw new SlackApiError('cant_invite_self');
      if (!isUserId(user)) throw new SlackApiError('user_not_found');
      if (channel.members.has(user)) throw new SlackApiError('already_in_channel');
    }
    users.forEach((u) => channel.members.add(u));
    return { channel: channelJson(channel) };
  },
  'conversations.info': (args, state) => ({
    channel: channelJson(state.visibleChannel(str(args, 'channel'))),
  }),
  'conversations.join': (args, state) => {
    const channel = state.visibleChannel(str(args, 'channel'));
    if (channel.is_archived) throw new SlackApiError('is_archived');
    const already = channel.members.has(FAKE_BOT_USER_ID);
    channel.members.add(FAKE_BOT_USER_ID);
    const warning = already
      ? { warning: 'already_in_channel', response_metadata: { warnings: ['already_in_channel'] } }
      : {};
    return { channel: channelJson(channel), ...warning };
  },
  'conversations.open': (args) => {
    const user = (str(args, 'users') ?? '').split(',')[0]?.trim() ?? '';
    if (!isUserId(user)) throw new SlackApiError('user_not_found');
    return { channel: { id: `D${user.slice(1)}` } };
  },
  'files.getUploadURLExternal': (args, state) => {
    const filename = str(args, 'filename');
    const length = Number(str(args, 'length'));
    if (!filename) throw new SlackApiError('invalid_arguments', ['[ERROR] missing required field: filename']);
    if (!Number.isInteger(length) || length < 1)
      throw new SlackApiError('invalid_arguments', ['[ERROR] missing required field: length']);
    const id = state.nextId('F');
    state.files.set(id, { id, filename, length });
    return { upload_url: `${state.baseUrl}/upload/${id}`, file_id: id };
  },
  'files.completeUploadExternal': (args, state) => {
    let files: unknown = args.files;
    if (typeof files === 'string') {
      try {
        files = JSON.parse(files);
      } catch {
        throw new SlackApiError('invalid_arguments', ['[ERROR] files is not valid JSON']);
      }
    }
    if (!Array.isArray(files) || files.length === 0)
      throw new SlackApiError('invalid_arguments', ['[ERROR] missing required field: files']);
    const channelId = str(args, 'channel_id');
    const channel = channelId ? state.messageTarget(channelId) : undefined;
    const completed = files.map((entry: unknown) => {
      const id = (entry as { id?: unknown })?.id;
      const file = typeof id === 'string' ? state.files.get(id) : undefined;
      if (!file) throw new SlackApiError('file_not_found');
      // Slack refuses to complete a file whose bytes never reached the upload URL.
      if (file.content === undefined) throw new SlackApiError('file_upload_not_completed');
      const title = (entry as { title?: unknown }).title;
      file.title = typeof title === 'string' ? title : file.filename;
      return file;
    });
    if (channel) {
      const initialComment = str(args, 'initial_comment');
      for (const file of completed) {
        file.channel = channel;
        if (initialComment) file.initialComment = initialComment;
      }
      state.storeMessage(channel, {
        type: 'message',
        user: FAKE_BOT_USER_ID,
        bot_id: FAKE_BOT_ID,
        team: FAKE_TEAM_ID,
        ts: state.nextTs(),
        text: initialComment ?? '',
        files: completed.map((f) => ({ id: f.id, name: f.filename, title: f.title })),
      });
    }
    return { files: completed.map((f) => ({ id: f.id, title: f.title, name: f.filename })) };
  },
  'pins.add': (args, state) => {
    const channel = state.joinedChannel(str(args, 'channel'));
    const ts = str(args, 'timestamp');
    if (!ts) throw new SlackApiError('no_item_specified');
    state.message(channel.id, ts);
    if (channel.pins.has(ts)) throw new SlackApiError('already_pinned');
    channel.pins.add(ts);
    return {};
  },
  'users.info': (args, state) => {
    const user = str(args, 'user') ?? '';
    if (!isUserId(user)) throw new SlackApiError('user_not_found');
    return { user: userJson(user, state.users.get(user)) };
  },
  'views.open': openWithTrigger,
  'views.push': openWithTrigger,
  'views.update': (args, state) => {
    const viewId = str(args, 'view_id');
    const externalId = str(args, 'external_id');
    if (!viewId && !externalId)
      throw new SlackApiError('invalid_arguments', ['[ERROR] view_id or external_id is required']);
    const previous = viewId
      ? state.views.get(viewId)
      : [...state.views.values()].find((v) => v.external_id === externalId);
    if (!previous) throw new SlackApiError('not_found');
    const hash = str(args, 'hash');
    if (hash && hash !== previous.hash) throw new SlackApiError('hash_conflict');
    checkView(args.view, ['modal']);
    return { view: storeView(state, args.view, previous) };
  },
  'views.publish': (args, state) => {
    if (!isUserId(str(args, 'user_id')))
      throw new SlackApiError('invalid_arguments', ['[ERROR] missing required field: user_id']);
    checkView(args.view, ['home']);
    return { view: storeView(state, args.view) };
  },
};
