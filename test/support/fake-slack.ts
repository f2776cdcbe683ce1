/**
 * A fake Slack Web API for tests. Point the real client at it:
 *   const fake = await startFakeSlack();
 *   const client = new WebClient('xoxb-test', { slackApiUrl: fake.url, retryConfig: { retries: 0 } });
 * It records every call, answers with Slack's response shapes and error codes, remembers the
 * workspace (channels, messages, views, users) so tests can read what the bot left behind, takes
 * `response_url` posts (fake.responseUrl()), and can be told to fail or slow down a method.
 * Methods: fake-slack-handlers.ts; Block Kit limits: fake-slack-blocks.ts; state: fake-slack-state.ts.
 *
 * Channels: ids made by conversations.create or addChannel() are known; any other id starting with
 * C or G is accepted as an existing channel the bot is in. chat.postMessage also takes a DM id (D…)
 * or a user id (U…/W…, answered with that user's DM channel D…, as Slack does). Trigger ids work
 * once (reuse gives `exchanged_trigger_id`); ids starting with `expired` give `expired_trigger_id`.
 * Implemented: auth.test, chat.postMessage/update/postEphemeral/getPermalink,
 * conversations.create/history/replies/invite/info/join/open, pins.add, users.info,
 * views.open/push/update/publish, files.getUploadURLExternal (+ the upload URL it hands out) and
 * files.completeUploadExternal (what files.uploadV2 calls).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handlers } from './fake-slack-handlers';
import { parseResponseBody, readArgs, readBody, send, sendText } from './fake-slack-http';
import { type Args, FAKE_TEAM_ID, SlackApiError, decodeArgs, tokenError, tsMicros } from './fake-slack-rules';
import {
  type ChannelOptions,
  type FakeFile,
  type FakeUser,
  State,
  type StoredMessage,
} from './fake-slack-state';

export { FAKE_APP_ID, FAKE_BOT_ID, FAKE_BOT_USER_ID, FAKE_TEAM_ID } from './fake-slack-rules';
export type { ChannelOptions, FakeFile, FakeUser } from './fake-slack-state';

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
  /** Only calls with this `channel` argument fail (e.g. one busy channel); others go through. */
  channel?: string;
}

/** A message as the fake stores it (Slack's shape) plus where it is and how often it was edited. */
export interface FakeMessage {
  channel: string;
  ts: string;
  text: string;
  user?: string;
  bot_id?: string;
  blocks?: Record<string, unknown>[];
  attachments?: Record<string, unknown>[];
  thread_ts?: string;
  edited?: { user: string; ts: string };
  /** How many times chat.update changed it. */
  editCount: number;
  [field: string]: unknown;
}

/** One POST to a fake.responseUrl(): its id and the JSON body (Bolt's respond() sends JSON). */
export interface FakeResponse {
  id: string;
  body: Record<string, unknown>;
}

export interface FakeSlack {
  /** Base URL to pass as `slackApiUrl`; ends with `/api/`. */
  readonly url: string;
  /** Every Web API call received, in order (including ones that failed). */
  readonly calls: FakeSlackCall[];
  /** Every POST to a response URL, in order. */
  readonly responses: FakeResponse[];
  /** Date.now() when each call in `calls` arrived (same index), for benchmarks' delivery lag. */
  readonly callTimes: number[];
  callsTo(method: string): FakeSlackCall[];
  /** Answer the next authenticated call(s) to `method` with `{ ok: false, error }` (queued in order). */
  failNext(method: string, error: string, opts?: FailNextOptions): void;
  /**
   * Answer every later call to `method` (or `'response_url'` posts) `ms` late, until reset() or
   * `delay(method, 0)`. By default the call is carried out after the wait (it lands late, maybe
   * after the client gave up); with `carryOutFirst` it is carried out at once and only the answer
   * is late (a gateway timeout: the work is done, the client never hears).
   */
  delay(method: string, ms: number, options?: { carryOutFirst?: boolean }): void;
  /** A `response_url` on this server; posts to it land in `responses` with this id. */
  responseUrl(id?: string): string;
  /** Seeds a human's message (in a thread when thread_ts is given); returns its ts. */
  addMessage(
    channel: string,
    message: { user: string; text: string; ts?: string; thread_ts?: string },
  ): string;
  /** Seeds a channel, e.g. a private one the bot is not in (`botIsMember: false`). */
  addChannel(id: string, opts?: ChannelOptions): void;
  /** The WebSocket URL apps.connections.open hands to Socket Mode clients. */
  setSocketModeUrl(url: string): void;
  /** Profile for users.info (time zone defaults to America/Los_Angeles). */
  setUser(id: string, user: FakeUser): void;
  /** The latest version of a stored message, or undefined. */
  message(channel: string, ts: string): FakeMessage | undefined;
  /** Every stored message of a channel or DM, oldest first, thread replies included. */
  messagesIn(channel: string): FakeMessage[];
  /** Every file announced with files.getUploadURLExternal, with what was uploaded and where it was shared. */
  files(): FakeFile[];
  /** Every view opened, pushed, updated or published, in order of last change. */
  views(): Record<string, unknown>[];
  /** Forgets calls, responses, pending failures, delays and all state (channels, messages, views). */
  reset(): void;
  close(): Promise<void>;
}

interface Failure {
  error: string;
  status: number;
  retryAfterSeconds?: number;
  remaining: number;
  channel?: string;
}

function fakeMessage(stored: StoredMessage): FakeMessage {
  return {
    ...structuredClone(stored.message),
    channel: stored.channel,
    editCount: stored.editCount,
  } as FakeMessage;
}

export async function startFakeSlack(): Promise<FakeSlack> {
  let state = new State();
  const calls: FakeSlackCall[] = [];
  const callTimes: number[] = [];
  const record = (call: FakeSlackCall) => {
    calls.push(call);
    callTimes.push(Date.now());
  };
  const responses: FakeResponse[] = [];
  const failures = new Map<string, Failure[]>();
  const delays = new Map<string, number>();
  const carriedOutFirst = new Set<string>();
  const sleepers = new Set<() => void>();
  let responseSeq = 0;
  let closing = false;

  /** Waits the delay set for `name`; close() cuts every wait short. */
  function pause(name: string): Promise<void> {
    const ms = delays.get(name) ?? 0;
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      sleepers.add(wake);
    });
  }

  async function handleResponseUrl(id: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') return sendText(res, 405, 'method_not_allowed');
    const { body, type } = await readBody(req);
    await pause('response_url');
    if (closing) return;
    const parsed = parseResponseBody(body, type);
    if (!parsed) return sendText(res, 400, 'invalid_payload');
    responses.push({ id, body: parsed });
    sendText(res, 200, 'ok');
  }

  async function handleUpload(id: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') return sendText(res, 405, 'method_not_allowed');
    const file = state.files.get(id);
    if (!file) return sendText(res, 404, 'not_found');
    file.content = (await readBody(req)).body;
    sendText(res, 200, `OK - ${Buffer.byteLength(file.content)}`);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const upload = /^\/upload\/([A-Z0-9]+)$/.exec(url.pathname);
    if (upload?.[1]) return handleUpload(upload[1], req, res);
    const response = /^\/response\/([^/]+)$/.exec(url.pathname);
    if (response?.[1]) return handleResponseUrl(decodeURIComponent(response[1]), req, res);
    const match = /^\/api\/([A-Za-z0-9_.]+)$/.exec(url.pathname);
    if (!match?.[1]) return send(res, 404, { ok: false, error: 'not_found' });
    const method = match[1];
    const auth = req.headers.authorization;
    let raw: Args;
    try {
      raw = await readArgs(req, url.searchParams);
    } catch (error) {
      record({ method, args: {}, token: undefined });
      return send(res, 200, { ok: false, error: (error as SlackApiError).code });
    }
    const bodyToken = typeof raw.token === 'string' ? raw.token : undefined;
    const token = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length).trim() || undefined : bodyToken;
    let args: Args;
    try {
      args = decodeArgs(raw);
    } catch (error) {
      const { token: _ignored, ...rest } = raw;
      record({ method, args: rest, ...(token !== undefined ? { token } : {}) });
      return send(res, 200, { ok: false, error: (error as SlackApiError).code });
    }
    record({ method, args, ...(token !== undefined ? { token } : {}) });
    const answerLate = carriedOutFirst.has(method);
    if (!answerLate) await pause(method);
    if (closing) return;
    const [status, answer, headers] = carryOut(method, args, token);
    if (answerLate) await pause(method);
    if (closing) return;
    send(res, status, answer, headers);
  }

  function carryOut(
    method: string,
    args: Args,
    token: string | undefined,
  ): [number, Args, Record<string, string>?] {
    const authError = tokenError(token, method);
    if (authError) return [200, { ok: false, error: authError }];
    const queue = failures.get(method);
    const failure = queue?.find((f) => f.channel === undefined || f.channel === args.channel);
    if (queue && failure) {
      failure.remaining -= 1;
      if (failure.remaining <= 0) queue.splice(queue.indexOf(failure), 1);
      const headers: Record<string, string> =
        failure.retryAfterSeconds !== undefined ? { 'retry-after': String(failure.retryAfterSeconds) } : {};
      return [failure.status, { ok: false, error: failure.error }, headers];
    }
    const handler = handlers[method];
    if (!handler) return [200, { ok: false, error: 'unknown_method', req_method: method }];
    try {
      return [200, { ok: true, ...handler(args, state) }];
    } catch (error) {
      if (!(error instanceof SlackApiError)) throw error;
      const metadata = error.messages.length > 0 ? { response_metadata: { messages: error.messages } } : {};
      return [200, { ok: false, error: error.code, ...metadata }];
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
  const base = `http://127.0.0.1:${port}`;
  state.baseUrl = base;

  return {
    url: `${base}/api/`,
    calls,
    responses,
    callTimes,
    callsTo: (method) => calls.filter((c) => c.method === method),
    failNext(method, error, opts = {}) {
      const ratelimited = error === 'ratelimited';
      const failure: Failure = {
        error,
        status: opts.status ?? (ratelimited ? 429 : 200),
        retryAfterSeconds: opts.retryAfterSeconds ?? (ratelimited ? 1 : undefined),
        remaining: Math.max(1, opts.times ?? 1),
        ...(opts.channel ? { channel: opts.channel } : {}),
      };
      failures.set(method, [...(failures.get(method) ?? []), failure]);
    },
    delay(method, ms, options = {}) {
      delays.set(method, ms);
      if (options.carryOutFirst) carriedOutFirst.add(method);
      else carriedOutFirst.delete(method);
    },
    responseUrl(id) {
      responseSeq += 1;
      return `${base}/response/${encodeURIComponent(id ?? `R${responseSeq}`)}`;
    },
    addMessage(channel, { user, text, ts, thread_ts }) {
      if (ts !== undefined && tsMicros(ts) === undefined)
        throw new Error(`addMessage: not a Slack ts: ${ts}`);
      const id = /^D[A-Z0-9]+$/.test(channel) ? channel : state.channel(channel).id;
      const messageTs = ts ?? state.nextTs();
      if (state.messages.has(`${id}/${messageTs}`))
        throw new Error(`addMessage: ${id} already has a message at ${messageTs}`);
      const message: Args = { type: 'message', user, text, ts: messageTs, team: FAKE_TEAM_ID };
      if (thread_ts) message.thread_ts = thread_ts;
      state.storeMessage(id, message);
      return messageTs;
    },
    setSocketModeUrl(url) {
      state.socketModeUrl = url;
    },
    addChannel(id, opts = {}) {
      if (!/^[CG][A-Z0-9]+$/.test(id)) throw new Error(`addChannel: not a channel id: ${id}`);
      const isPrivate = opts.isPrivate ?? id.startsWith('G');
      state.addChannel(id, opts.name ?? `channel-${id.toLowerCase()}`, isPrivate, opts);
    },
    setUser(id, user) {
      state.users.set(id, { ...state.users.get(id), ...user });
    },
    message(channel, ts) {
      const stored = state.messages.get(`${channel}/${ts}`);
      return stored ? fakeMessage(stored) : undefined;
    },
    messagesIn: (channel) => state.messagesIn(channel).map(fakeMessage),
    views: () => [...state.views.values()].map((view) => structuredClone(view)),
    files: () => [...state.files.values()].map((file) => ({ ...file })),
    reset() {
      calls.length = 0;
      callTimes.length = 0;
      responses.length = 0;
      failures.clear();
      delays.clear();
      carriedOutFirst.clear();
      state = new State();
      state.baseUrl = base;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        closing = true;
        [...sleepers].forEach((wake) => wake());
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
