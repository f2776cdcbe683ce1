/**
 * Argument decoding, tokens, ids and timestamps for the fake Slack Web API (test/support/fake-slack.ts).
 * Block Kit rules live in fake-slack-blocks.ts, the remembered workspace in fake-slack-state.ts and
 * the methods in fake-slack-handlers.ts. Each rule mirrors a documented Slack error code so code
 * under test sees the same failures it would see against slack.com.
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
  'inclusive',
  'include_all_metadata',
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

/** Methods that take an app-level token (xapp-) and nothing else. */
const APP_TOKEN_METHODS = new Set(['apps.connections.open']);

/** Returns the error Slack gives for this token, or undefined when it is acceptable. */
export function tokenError(token: string | undefined, method = ''): string | undefined {
  if (!token) return 'not_authed';
  if (APP_TOKEN_METHODS.has(method) !== token.startsWith('xapp-')) {
    return token.startsWith('xapp-') || token.startsWith('xoxb-') || token.startsWith('xoxp-')
      ? 'not_allowed_token_type'
      : 'invalid_auth';
  }
  if (!APP_TOKEN_METHODS.has(method) && !token.startsWith('xoxb-') && !token.startsWith('xoxp-'))
    return 'invalid_auth';
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

/** Message timestamps: unique and increasing, shaped like Slack's `1700000000.000100`. */
const TS_BASE_MICROS = 1_700_000_000_000_000n;
const TS_STEP_MICROS = 100n;

export function formatTs(sequence: number): string {
  const micros = TS_BASE_MICROS + BigInt(sequence) * TS_STEP_MICROS;
  return `${micros / 1_000_000n}.${String(micros % 1_000_000n).padStart(6, '0')}`;
}

/** `1700000000.000100` as microseconds, for exact ordering; undefined when not a Slack ts. */
export function tsMicros(ts: string | undefined): bigint | undefined {
  const match = ts === undefined ? null : /^(\d+)(?:\.(\d{1,6}))?$/.exec(ts);
  if (!match?.[1]) return undefined;
  return BigInt(match[1]) * 1_000_000n + BigInt((match[2] ?? '').padEnd(6, '0'));
}

/** The smallest sequence number whose formatTs() is at or after `ts` (for seeded messages). */
export function tsSequenceAtOrAfter(ts: string): number {
  const micros = tsMicros(ts) ?? 0n;
  if (micros <= TS_BASE_MICROS) return 0;
  return Number((micros - TS_BASE_MICROS + TS_STEP_MICROS - 1n) / TS_STEP_MICROS);
}

export const FAKE_TZ = 'America/Los_Angeles';

/** The tz_offset (seconds) and tz_label Slack reports for a time zone at the given moment. */
export function tzInfo(tz: string = FAKE_TZ, at: Date = new Date()): { tz_offset: number; tz_label: string } {
  const part = (style: 'longOffset' | 'long'): string =>
    new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: style })
      .formatToParts(at)
      .find((p) => p.type === 'timeZoneName')?.value ?? '';
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(part('longOffset'));
  const sign = match?.[1] === '-' ? -1 : 1;
  const tz_offset = match ? sign * (Number(match[2]) * 3600 + Number(match[3]) * 60) : 0;
  return { tz_offset, tz_label: part('long') };
}

export const FAKE_TEAM_ID = 'T0TEAM';
export const FAKE_TEAM_DOMAIN = 'sitrep-test';
export const FAKE_APP_ID = 'A0SITREP';
export const FAKE_BOT_USER_ID = 'U0BOT';
export const FAKE_BOT_ID = 'B0BOT';

export const isUserId = (id: string | undefined): id is string => /^[UW][A-Z0-9]+$/.test(id ?? '');
export const isObject = (value: unknown): value is Args =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
