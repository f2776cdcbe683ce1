/**
 * The workspace the fake Slack Web API (test/support/fake-slack.ts) remembers between calls:
 * channels and their members, messages (posted by the bot or seeded as a human's), views, used
 * trigger ids and user profiles.
 *
 * Visibility follows Slack for a bot token: a private channel the bot is not in does not exist for
 * it (`channel_not_found`); a public one it is not in can be looked at but not posted to or read
 * (`not_in_channel`) until it joins.
 */
import {
  type Args,
  FAKE_APP_ID,
  FAKE_BOT_ID,
  FAKE_BOT_USER_ID,
  FAKE_TEAM_ID,
  FAKE_TZ,
  SlackApiError,
  formatTs,
  isUserId,
  tsMicros,
  tsSequenceAtOrAfter,
  tzInfo,
} from './fake-slack-rules';

export interface Channel {
  id: string;
  name: string;
  is_private: boolean;
  is_archived: boolean;
  created: number;
  creator: string;
  members: Set<string>;
  pins: Set<string>;
}

export interface ChannelOptions {
  name?: string;
  isPrivate?: boolean;
  /** Default true. */
  botIsMember?: boolean;
  members?: string[];
  isArchived?: boolean;
}

export interface FakeUser {
  /** IANA time zone; default America/Los_Angeles. */
  tz?: string;
  real_name?: string;
  name?: string;
  is_bot?: boolean;
  deleted?: boolean;
}

export interface StoredMessage {
  channel: string;
  message: Args;
  editCount: number;
}

export interface HistoryQuery {
  latest?: string;
  oldest?: string;
  inclusive?: boolean;
  limit?: number;
}

export interface FakeFile {
  id: string;
  filename: string;
  length: number;
  /** The raw body posted to the upload URL (multipart as the client sends it). */
  content?: string;
  title?: string;
  /** Where files.completeUploadExternal shared it. */
  channel?: string;
  initialComment?: string;
}

export class State {
  /** Where apps.connections.open sends Socket Mode clients (a test's fake Socket Mode server). */
  socketModeUrl: string | undefined;
  idSeq = 0;
  tsSeq = 0;
  channels = new Map<string, Channel>();
  messages = new Map<string, StoredMessage>(); // key: `${channel}/${ts}`
  views = new Map<string, Args>();
  usedTriggers = new Set<string>();
  users = new Map<string, FakeUser>();
  /** Files from files.getUploadURLExternal; `content` is set once the upload URL got the bytes. */
  files = new Map<string, FakeFile>();
  /** Base URL of this server, for upload URLs. */
  baseUrl = '';

  nextId(prefix: string): string {
    this.idSeq += 1;
    return `${prefix}${String(this.idSeq).padStart(8, '0')}`;
  }
  nextTs(): string {
    this.tsSeq += 1;
    return formatTs(this.tsSeq);
  }
  addChannel(id: string, name: string, isPrivate: boolean, opts: ChannelOptions = {}): Channel {
    const members = new Set(opts.members ?? []);
    if (opts.botIsMember !== false) members.add(FAKE_BOT_USER_ID);
    const channel: Channel = {
      id,
      name,
      is_private: isPrivate,
      is_archived: opts.isArchived ?? false,
      created: Math.floor(Date.now() / 1000),
      creator: FAKE_BOT_USER_ID,
      members,
      pins: new Set(),
    };
    this.channels.set(id, channel);
    return channel;
  }
  /** Known channel, or an implicitly existing one for C…/G… ids (the bot is in it); else channel_not_found. */
  channel(id: string | undefined): Channel {
    if (!id) throw new SlackApiError('channel_not_found');
    const known = this.channels.get(id);
    if (known) return known;
    if (!/^[CG][A-Z0-9]+$/.test(id)) throw new SlackApiError('channel_not_found');
    return this.addChannel(id, `channel-${id.toLowerCase()}`, id.startsWith('G'));
  }
  /** A channel the bot can see: private channels it is not in are channel_not_found. */
  visibleChannel(id: string | undefined): Channel {
    const channel = this.channel(id);
    if (channel.is_private && !channel.members.has(FAKE_BOT_USER_ID))
      throw new SlackApiError('channel_not_found');
    return channel;
  }
  /** A channel the bot is in (not_in_channel for a public one it has not joined). */
  joinedChannel(id: string | undefined): Channel {
    const channel = this.visibleChannel(id);
    if (!channel.members.has(FAKE_BOT_USER_ID)) throw new SlackApiError('not_in_channel');
    return channel;
  }
  /** Where a message goes: a channel, a DM id (D…), or a user id (posts to the bot's DM with them). */
  messageTarget(id: string | undefined): string {
    if (id && /^D[A-Z0-9]+$/.test(id)) return id;
    if (isUserId(id)) return `D${id.slice(1)}`;
    const channel = this.joinedChannel(id);
    if (channel.is_archived) throw new SlackApiError('is_archived');
    return channel.id;
  }
  /** A conversation whose history the bot can read: a DM id or a channel it is in. */
  readableConversation(id: string | undefined): string {
    if (id && /^D[A-Z0-9]+$/.test(id)) return id;
    return this.joinedChannel(id).id;
  }
  message(channel: string, ts: string | undefined): Args {
    const stored = ts ? this.messages.get(`${channel}/${ts}`) : undefined;
    if (!stored) throw new SlackApiError('message_not_found');
    return stored.message;
  }
  /** Stores a message; a reply (thread_ts ≠ ts) updates its parent's reply_count and latest_reply. */
  storeMessage(channel: string, message: Args): StoredMessage {
    const ts = message.ts as string;
    this.tsSeq = Math.max(this.tsSeq, tsSequenceAtOrAfter(ts));
    const stored: StoredMessage = { channel, message, editCount: 0 };
    this.messages.set(`${channel}/${ts}`, stored);
    const threadTs = message.thread_ts as string | undefined;
    const parent = threadTs && threadTs !== ts ? this.messages.get(`${channel}/${threadTs}`) : undefined;
    if (parent) {
      parent.message.thread_ts = threadTs;
      parent.message.reply_count = ((parent.message.reply_count as number | undefined) ?? 0) + 1;
      parent.message.latest_reply = ts;
    }
    return stored;
  }
  /** Every stored message of a conversation, oldest first (thread replies included). */
  messagesIn(channel: string): StoredMessage[] {
    return [...this.messages.values()]
      .filter((m) => m.channel === channel)
      .sort((a, b) => compareTs(a.message.ts, b.message.ts));
  }
  /**
   * conversations.history: newest first, between oldest and latest (exclusive unless inclusive),
   * at most `limit`. Like Slack it leaves out thread replies unless also sent to the channel.
   */
  history(channel: string, query: HistoryQuery, thread?: string): { messages: Args[]; has_more: boolean } {
    const latest = tsMicros(query.latest);
    const oldest = tsMicros(query.oldest);
    const matching = this.messagesIn(channel)
      .map((m) => m.message)
      .filter((m) => {
        const threadTs = m.thread_ts as string | undefined;
        if (thread !== undefined) return m.ts === thread || threadTs === thread;
        return threadTs === undefined || threadTs === m.ts || m.subtype === 'thread_broadcast';
      })
      .filter((m) => {
        const at = tsMicros(m.ts as string) ?? 0n;
        if (latest !== undefined && (query.inclusive ? at > latest : at >= latest)) return false;
        if (oldest !== undefined && (query.inclusive ? at < oldest : at <= oldest)) return false;
        return true;
      });
    // History pages from the newest message down; a thread reads from its parent on.
    const ordered = thread === undefined ? matching.reverse() : matching;
    const limit = query.limit ?? (thread === undefined ? 100 : 1000);
    return {
      messages: ordered.slice(0, limit).map((m) => structuredClone(m)),
      has_more: ordered.length > limit,
    };
  }
}

export function compareTs(a: unknown, b: unknown): number {
  const x = tsMicros(a as string) ?? 0n;
  const y = tsMicros(b as string) ?? 0n;
  return x < y ? -1 : x > y ? 1 : 0;
}

export function channelJson(c: Channel): Args {
  return {
    id: c.id,
    name: c.name,
    name_normalized: c.name,
    is_channel: true,
    is_group: false,
    is_im: false,
    is_private: c.is_private,
    is_archived: c.is_archived,
    is_general: false,
    created: c.created,
    creator: c.creator,
    is_member: c.members.has(FAKE_BOT_USER_ID),
    num_members: c.members.size,
    topic: { value: '', creator: '', last_set: 0 },
    purpose: { value: '', creator: '', last_set: 0 },
  };
}

export function userJson(id: string, user: FakeUser = {}): Args {
  const isBot = user.is_bot ?? id === FAKE_BOT_USER_ID;
  const name = user.name ?? (id === FAKE_BOT_USER_ID ? 'sitrep' : id.toLowerCase());
  const realName = user.real_name ?? (id === FAKE_BOT_USER_ID ? 'Sitrep' : `User ${id}`);
  const tz = user.tz ?? FAKE_TZ;
  return {
    id,
    team_id: FAKE_TEAM_ID,
    name,
    deleted: user.deleted ?? false,
    real_name: realName,
    tz,
    ...tzInfo(tz),
    is_bot: isBot,
    is_admin: false,
    profile: {
      real_name: realName,
      display_name: id === FAKE_BOT_USER_ID ? 'sitrep' : `user-${id.toLowerCase()}`,
      ...(id === FAKE_BOT_USER_ID ? { bot_id: FAKE_BOT_ID } : {}),
    },
  };
}

export function storeView(state: State, view: Args, previous?: Args): Args {
  const id = (previous?.id as string | undefined) ?? state.nextId('V');
  const stored: Args = {
    state: { values: {} },
    private_metadata: '',
    callback_id: '',
    external_id: '',
    ...view,
    id,
    team_id: FAKE_TEAM_ID,
    app_id: FAKE_APP_ID,
    bot_id: FAKE_BOT_ID,
    hash: state.nextId('hash-'),
    root_view_id: (previous?.root_view_id as string | undefined) ?? id,
    previous_view_id: null,
  };
  state.views.delete(id); // keep insertion order = order of last change
  state.views.set(id, stored);
  return stored;
}
