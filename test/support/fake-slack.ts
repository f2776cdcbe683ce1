/**
 * A fake Slack Web API for tests. Point the real client at it:
 *   const fake = await startFakeSlack();
 *   const client = new WebClient('xoxb-test', { slackApiUrl: fake.url, retryConfig: { retries: 0 } });
 * It records every call, answers with Slack's response shapes and error codes (argument rules live
 * in fake-slack-rules.ts), and can be told to fail the next call(s) to a method.
 *
 * Channels: ids made by conversations.create are known; any other id starting with C or G is
 * accepted as an existing channel the bot is in. chat.postMessage also takes a DM id (D…) or a
 * user id (U…/W…, answered with that user's DM channel D…, as Slack does). Trigger ids work once
 * (reuse gives `exchanged_trigger_id`, like Slack); ids starting with `expired` give
 * `expired_trigger_id`. Implemented: auth.test, chat.postMessage, chat.update, chat.postEphemeral,
 * conversations.create/invite/info/open, pins.add, users.info, views.open/update/publish.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type Args,
  FAKE_BOT_ID,
  FAKE_BOT_USER_ID,
  FAKE_TEAM_ID,
  SlackApiError,
  State,
  channelJson,
  checkChannelName,
  checkMessageContent,
  checkView,
  decodeArgs,
  storeView,
  str,
  tokenError,
  userJson,
} from './fake-slack-rules';

export { FAKE_BOT_ID, FAKE_BOT_USER_ID, FAKE_TEAM_ID } from './fake-slack-rules';

export interface FakeSlackCall {
  method: string;
  args: Record<string, unknown>;
  token?: string;
}

export interface FailNextOptions {
  /** HTTP status; defaults to 429 for `ratelimited`, else 200 (Slack reports errors with 200). */
  status?: number;
  /** Sent as the Retry-After header; defaults to 1 for `ratelimited`. */
  retryAfterSeconds?: number;
  /** How many consecutive calls fail; default 1. */
  times?: number;
}

export interface FakeSlack {
  /** Base URL to pass as `slackApiUrl`; ends with `/api/`. */
  readonly url: string;
  /** Every call received, in order (including ones that failed). */
  readonly calls: FakeSlackCall[];
  callsTo(method: string): FakeSlackCall[];
  /** Answer the next authenticated call(s) to `method` with `{ ok: false, error }` (queued in order). */
  failNext(method: string, error: string, opts?: FailNextOptions): void;
  /** Forgets calls, pending failures and all state (channels, messages, views). */
  reset(): void;
  close(): Promise<void>;
}

interface Failure {
  error: string;
  status: number;
  retryAfterSeconds?: number;
  remaining: number;
}

type Handler = (args: Args, state: State) => Args;

const handlers: Record<string, Handler> = {
  'auth.test': () => ({
    url: 'https://sitrep-test.slack.com/',
    team: 'Sitrep Test',
    user: 'sitrep',
    team_id: FAKE_TEAM_ID,
    user_id: FAKE_BOT_USER_ID,
    bot_id: FAKE_BOT_ID,
    is_enterprise_install: false,
  }),
  'chat.postMessage': (args, state) => {
    const channel = state.messageTarget(str(args, 'channel'));
    checkMessageContent(args);
    const threadTs = str(args, 'thread_ts');
    const ts = state.nextTs();
    const message: Args = {
      type: 'message',
      user: FAKE_BOT_USER_ID,
      bot_id: FAKE_BOT_ID,
      ts,
      text: args.text ?? '',
      ...(args.blocks ? { blocks: args.blocks } : {}),
      ...(args.attachments ? { attachments: args.attachments } : {}),
      ...(threadTs ? { thread_ts: threadTs } : {}),
    };
    state.messages.set(`${channel}/${ts}`, message);
    return { channel, ts, message };
  },
  'chat.update': (args, state) => {
    const channel = state.messageTarget(str(args, 'channel'));
    const ts = str(args, 'ts');
    if (!ts) throw new SlackApiError('message_not_found');
    const message = state.message(channel, ts);
    checkMessageContent(args);
    for (const key of ['text', 'blocks', 'attachments'] as const)
      if (args[key] !== undefined) message[key] = args[key];
    message.edited = { user: FAKE_BOT_USER_ID, ts: state.nextTs() };
    return { channel, ts, text: message.text, message };
  },
  'chat.postEphemeral': (args, state) => {
    state.messageTarget(str(args, 'channel'));
    if (!/^[UW][A-Z0-9]+$/.test(str(args, 'user') ?? '')) throw new SlackApiError('user_not_found');
    checkMessageContent(args);
    return { message_ts: state.nextTs() };
  },
  'conversations.create': (args, state) => {
    const name = str(args, 'name');
    checkChannelName(name);
    if ([...state.channels.values()].some((c) => c.name === name)) throw new SlackApiError('name_taken');
    return {
      channel: channelJson(state.addChannel(state.nextId('C'), name as string, args.is_private === true)),
    };
  },
  'conversations.invite': (args, state) => {
    const channel = state.channel(str(args, 'channel'));
    const users = (str(args, 'users') ?? '')
      .split(',')
      .map((u) => u.trim())
      .filter(Boolean);
    if (users.length === 0) throw new SlackApiError('no_user');
    for (const user of users) {
      if (user === FAKE_BOT_USER_ID) throw new SlackApiError('cant_invite_self');
      if (!/^[UW][A-Z0-9]+$/.test(user)) throw new SlackApiError('user_not_found');
      if (channel.members.has(user)) throw new SlackApiError('already_in_channel');
    }
    users.forEach((u) => channel.members.add(u));
    return { channel: channelJson(channel) };
  },
  'conversations.info': (args, state) => ({ channel: channelJson(state.channel(str(args, 'channel'))) }),
  'conversations.open': (args) => {
    const user = (str(args, 'users') ?? '').split(',')[0]?.trim() ?? '';
    if (!/^[UW][A-Z0-9]+$/.test(user)) throw new SlackApiError('user_not_found');
    return { channel: { id: `D${user.slice(1)}` } };
  },
  'pins.add': (args, state) => {
    const channel = state.channel(str(args, 'channel'));
    const ts = str(args, 'timestamp');
    if (!ts) throw new SlackApiError('no_item_specified');
    state.message(channel.id, ts);
    if (channel.pins.has(ts)) throw new SlackApiError('already_pinned');
    channel.pins.add(ts);
    return {};
  },
  'users.info': (args) => {
    const user = str(args, 'user') ?? '';
    if (!/^[UW][A-Z0-9]+$/.test(user)) throw new SlackApiError('user_not_found');
    return { user: userJson(user) };
  },
  'views.open': (args, state) => {
    const trigger = str(args, 'trigger_id');
    if (!trigger)
      throw new SlackApiError('invalid_arguments', ['[ERROR] missing required field: trigger_id']);
    if (trigger.startsWith('expired')) throw new SlackApiError('expired_trigger_id');
    if (state.usedTriggers.has(trigger)) throw new SlackApiError('exchanged_trigger_id');
    checkView(args.view, ['modal']);
    state.usedTriggers.add(trigger);
    return { view: storeView(state, args.view) };
  },
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
    if (!/^[UW][A-Z0-9]+$/.test(str(args, 'user_id') ?? ''))
      throw new SlackApiError('invalid_arguments', ['[ERROR] missing required field: user_id']);
    checkView(args.view, ['home']);
    return { view: storeView(state, args.view) };
  },
};

async function readArgs(req: IncomingMessage, query: URLSearchParams): Promise<Args> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks).toString('utf8');
  const args: Args = Object.fromEntries(query);
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (body === '') return args;
  if (type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new SlackApiError('invalid_json');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new SlackApiError('json_not_object');
    return { ...args, ...(parsed as Args) };
  }
  if (type === 'application/x-www-form-urlencoded')
    return { ...args, ...Object.fromEntries(new URLSearchParams(body)) };
  throw new SlackApiError('invalid_form_data');
}

function send(res: ServerResponse, status: number, body: Args, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

export async function startFakeSlack(): Promise<FakeSlack> {
  let state = new State();
  const calls: FakeSlackCall[] = [];
  const failures = new Map<string, Failure[]>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const match = /^\/api\/([A-Za-z0-9_.]+)$/.exec(url.pathname);
    if (!match?.[1]) return send(res, 404, { ok: false, error: 'not_found' });
    const method = match[1];
    const auth = req.headers.authorization;
    let raw: Args;
    try {
      raw = await readArgs(req, url.searchParams);
    } catch (error) {
      calls.push({ method, args: {}, token: undefined });
      return send(res, 200, { ok: false, error: (error as SlackApiError).code });
    }
    const bodyToken = typeof raw.token === 'string' ? raw.token : undefined;
    const token = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length).trim() || undefined : bodyToken;
    let args: Args;
    try {
      args = decodeArgs(raw);
    } catch (error) {
      const { token: _ignored, ...rest } = raw;
      calls.push({ method, args: rest, ...(token !== undefined ? { token } : {}) });
      return send(res, 200, { ok: false, error: (error as SlackApiError).code });
    }
    calls.push({ method, args, ...(token !== undefined ? { token } : {}) });

    const authError = tokenError(token);
    if (authError) return send(res, 200, { ok: false, error: authError });
    const queue = failures.get(method);
    const failure = queue?.[0];
    if (queue && failure) {
      failure.remaining -= 1;
      if (failure.remaining <= 0) queue.shift();
      const headers: Record<string, string> =
        failure.retryAfterSeconds !== undefined ? { 'retry-after': String(failure.retryAfterSeconds) } : {};
      return send(res, failure.status, { ok: false, error: failure.error }, headers);
    }
    const handler = handlers[method];
    if (!handler) return send(res, 200, { ok: false, error: 'unknown_method', req_method: method });
    try {
      send(res, 200, { ok: true, ...handler(args, state) });
    } catch (error) {
      if (!(error instanceof SlackApiError)) throw error;
      const metadata = error.messages.length > 0 ? { response_metadata: { messages: error.messages } } : {};
      send(res, 200, { ok: false, error: error.code, ...metadata });
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { ok: false, error: 'fatal_error', detail: String(error) });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/api/`,
    calls,
    callsTo: (method) => calls.filter((c) => c.method === method),
    failNext(method, error, opts = {}) {
      const ratelimited = error === 'ratelimited';
      const failure: Failure = {
        error,
        status: opts.status ?? (ratelimited ? 429 : 200),
        retryAfterSeconds: opts.retryAfterSeconds ?? (ratelimited ? 1 : undefined),
        remaining: Math.max(1, opts.times ?? 1),
      };
      failures.set(method, [...(failures.get(method) ?? []), failure]);
    },
    reset() {
      calls.length = 0;
      failures.clear();
      state = new State();
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
