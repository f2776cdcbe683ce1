/**
 * Argument decoding and validation rules for the fake Slack Web API (test/support/fake-slack.ts).
 * Each rule mirrors a documented Slack error code so code under test sees the same failures it
 * would see against slack.com.
 */

export type Args = Record<string, unknown>;

/** Thrown by a fake method handler; the server answers `{ ok: false, error: code }`. */
export class SlackApiError extends Error {
  constructor(
    readonly code: string,
    readonly messages: string[] = [],
  ) {
    super(code);
  }
}

/** Arguments the real client JSON-encodes when it sends a form body. */
const JSON_FIELDS = ['blocks', 'attachments', 'view', 'metadata'];
const BOOLEAN_FIELDS = [
  'is_private',
  'unfurl_links',
  'unfurl_media',
  'mrkdwn',
  'reply_broadcast',
  'as_user',
  'include_locale',
  'include_num_members',
  'force',
  'link_names',
];

/** Turns form-encoded strings back into the values the caller passed (blocks arrays, booleans). */
export function decodeArgs(raw: Args): Args {
  const args: Args = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'token') continue; // the token is reported separately on each call
    if (typeof value === 'string' && JSON_FIELDS.includes(key)) {
      try {
        args[key] = JSON.parse(value);
      } catch {
        throw new SlackApiError(key === 'blocks' ? 'invalid_blocks_format' : 'invalid_arguments', [
          `[ERROR] ${key} is not valid JSON`,
        ]);
      }
    } else if (typeof value === 'string' && BOOLEAN_FIELDS.includes(key)) {
      args[key] = value === 'true' || value === '1';
    } else {
      args[key] = value;
    }
  }
  return args;
}

/** Returns the error Slack gives for this token, or undefined when it is acceptable. */
export function tokenError(token: string | undefined): string | undefined {
  if (!token) return 'not_authed';
  if (!token.startsWith('xoxb-') && !token.startsWith('xoxp-')) return 'invalid_auth';
  return undefined;
}

export function str(args: Args, key: string): string | undefined {
  const value = args[key];
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** conversations.create / conversations.rename name rules. */
export function checkChannelName(name: string | undefined): void {
  if (!name) throw new SlackApiError('invalid_name_required');
  if (name.length > 80) throw new SlackApiError('invalid_name_maxlength');
  if (!/^[a-z0-9_-]+$/.test(name)) throw new SlackApiError('invalid_name_specials');
  if (/^[_-]+$/.test(name)) throw new SlackApiError('invalid_name_punctuation');
}

/** chat.postMessage / chat.update / chat.postEphemeral content rules. */
export function checkMessageContent(args: Args): void {
  const { text, blocks, attachments } = args;
  const hasBlocks = Array.isArray(blocks) && blocks.length > 0;
  const hasAttachments = Array.isArray(attachments) && attachments.length > 0;
  if (!(typeof text === 'string' && text !== '') && !hasBlocks && !hasAttachments)
    throw new SlackApiError('no_text');
  if (blocks !== undefined && !Array.isArray(blocks)) throw new SlackApiError('invalid_blocks_format');
  if (Array.isArray(blocks) && blocks.length > 50)
    throw new SlackApiError('invalid_blocks', [
      '[ERROR] no more than 50 items allowed [json-pointer:/blocks]',
    ]);
  if (typeof text === 'string' && text.length > 40000) throw new SlackApiError('msg_too_long');
}

function plainTextError(value: unknown, pointer: string, max: number, required: boolean): string | undefined {
  if (value === undefined)
    return required
      ? `[ERROR] missing required field: ${pointer.split('/').pop()} [json-pointer:${pointer}]`
      : undefined;
  const obj = value as { type?: unknown; text?: unknown };
  if (typeof obj !== 'object' || obj === null || obj.type !== 'plain_text' || typeof obj.text !== 'string') {
    return `[ERROR] must be a plain_text text object [json-pointer:${pointer}]`;
  }
  if (obj.text.length > max)
    return `[ERROR] must be less than ${max + 1} characters [json-pointer:${pointer}/text]`;
  return undefined;
}

/** Block Kit view rules for views.open / views.update / views.publish. */
export function checkView(view: unknown, allowed: readonly ('modal' | 'home')[]): asserts view is Args {
  if (typeof view !== 'object' || view === null || Array.isArray(view)) {
    throw new SlackApiError('invalid_arguments', ['[ERROR] missing required field: view']);
  }
  const v = view as Args;
  const errors: string[] = [];
  if (typeof v.type !== 'string' || !allowed.includes(v.type as 'modal' | 'home')) {
    errors.push(`[ERROR] must be one of: ${allowed.join(', ')} [json-pointer:/view/type]`);
  }
  if (!Array.isArray(v.blocks))
    errors.push('[ERROR] missing required field: blocks [json-pointer:/view/blocks]');
  else if (v.blocks.length > 100)
    errors.push('[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]');
  if (v.type === 'modal') {
    for (const [field, required] of [
      ['title', true],
      ['submit', false],
      ['close', false],
    ] as const) {
      const error = plainTextError(v[field], `/view/${field}`, 24, required);
      if (error) errors.push(error);
    }
  }
  if (typeof v.private_metadata === 'string' && v.private_metadata.length > 3000) {
    errors.push('[ERROR] must be less than 3001 characters [json-pointer:/view/private_metadata]');
  }
  if (typeof v.callback_id === 'string' && v.callback_id.length > 255) {
    errors.push('[ERROR] must be less than 256 characters [json-pointer:/view/callback_id]');
  }
  if (errors.length > 0) throw new SlackApiError('invalid_arguments', errors);
}

/** Message timestamps: unique and increasing, shaped like Slack's `1700000000.000100`. */
export function formatTs(sequence: number): string {
  const micros = 1_700_000_000_000_000 + sequence * 100;
  const seconds = Math.floor(micros / 1_000_000);
  return `${seconds}.${String(micros % 1_000_000).padStart(6, '0')}`;
}

export const FAKE_TZ = 'America/Los_Angeles';

/** The tz_offset (seconds) and tz_label Slack reports for FAKE_TZ at the given moment. */
export function pacificTime(at: Date = new Date()): { tz_offset: number; tz_label: string } {
  const part = (style: 'longOffset' | 'long'): string =>
    new Intl.DateTimeFormat('en-US', { timeZone: FAKE_TZ, timeZoneName: style })
      .formatToParts(at)
      .find((p) => p.type === 'timeZoneName')?.value ?? '';
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(part('longOffset'));
  const sign = match?.[1] === '-' ? -1 : 1;
  const tz_offset = match ? sign * (Number(match[2]) * 3600 + Number(match[3]) * 60) : 0;
  return { tz_offset, tz_label: part('long') };
}

/* ---- The fake workspace: channels, messages and views the fake server remembers. ---- */

export const FAKE_TEAM_ID = 'T0TEAM';
export const FAKE_BOT_USER_ID = 'U0BOT';
export const FAKE_BOT_ID = 'B0BOT';

export interface Channel {
  id: string;
  name: string;
  is_private: boolean;
  created: number;
  creator: string;
  members: Set<string>;
  pins: Set<string>;
}

export class State {
  idSeq = 0;
  tsSeq = 0;
  channels = new Map<string, Channel>();
  messages = new Map<string, Args>(); // key: `${channel}/${ts}`
  views = new Map<string, Args>();
  usedTriggers = new Set<string>();

  nextId(prefix: string): string {
    this.idSeq += 1;
    return `${prefix}${String(this.idSeq).padStart(8, '0')}`;
  }
  nextTs(): string {
    this.tsSeq += 1;
    return formatTs(this.tsSeq);
  }
  addChannel(id: string, name: string, isPrivate: boolean): Channel {
    const channel: Channel = {
      id,
      name,
      is_private: isPrivate,
      created: Math.floor(Date.now() / 1000),
      creator: FAKE_BOT_USER_ID,
      members: new Set([FAKE_BOT_USER_ID]),
      pins: new Set(),
    };
    this.channels.set(id, channel);
    return channel;
  }
  /** Known channel, or an implicitly existing one for C…/G… ids; else channel_not_found. */
  channel(id: string | undefined): Channel {
    if (!id) throw new SlackApiError('channel_not_found');
    const known = this.channels.get(id);
    if (known) return known;
    if (!/^[CG][A-Z0-9]+$/.test(id)) throw new SlackApiError('channel_not_found');
    return this.addChannel(id, `channel-${id.toLowerCase()}`, id.startsWith('G'));
  }
  /** Where a message goes: a channel, a DM id (D…), or a user id (posts to the bot's DM with them). */
  messageTarget(id: string | undefined): string {
    if (id && /^D[A-Z0-9]+$/.test(id)) return id;
    if (id && /^[UW][A-Z0-9]+$/.test(id)) return `D${id.slice(1)}`;
    return this.channel(id).id;
  }
  message(channel: string, ts: string | undefined): Args {
    const message = ts ? this.messages.get(`${channel}/${ts}`) : undefined;
    if (!message) throw new SlackApiError('message_not_found');
    return message;
  }
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
    is_archived: false,
    is_general: false,
    created: c.created,
    creator: c.creator,
    is_member: c.members.has(FAKE_BOT_USER_ID),
    num_members: c.members.size,
    topic: { value: '', creator: '', last_set: 0 },
    purpose: { value: '', creator: '', last_set: 0 },
  };
}

export function userJson(id: string): Args {
  const isBot = id === FAKE_BOT_USER_ID;
  const realName = isBot ? 'Sitrep' : `User ${id}`;
  return {
    id,
    team_id: FAKE_TEAM_ID,
    name: isBot ? 'sitrep' : id.toLowerCase(),
    deleted: false,
    real_name: realName,
    tz: FAKE_TZ,
    ...pacificTime(),
    is_bot: isBot,
    is_admin: false,
    profile: {
      real_name: realName,
      display_name: isBot ? 'sitrep' : `user-${id.toLowerCase()}`,
      ...(isBot ? { bot_id: FAKE_BOT_ID } : {}),
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
    app_id: 'A0SITREP',
    bot_id: FAKE_BOT_ID,
    hash: state.nextId('hash-'),
    root_view_id: id,
    previous_view_id: null,
  };
  state.views.set(id, stored);
  return stored;
}
