/**
 * The fake Slack server (test/support/fake-slack.ts) answered through the real @slack/web-api
 * client, so tests that rely on it see the same requests, results and errors as against Slack.
 */
import {
  ErrorCode,
  LogLevel,
  WebClient,
  type Logger,
  type WebAPIPlatformError,
  type WebAPIRateLimitedError,
} from '@slack/web-api';
import { App, HTTPReceiver } from '@slack/bolt';
import type { AddressInfo } from 'node:net';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';
import {
  TEST_BOT_TOKEN,
  TEST_SIGNING_SECRET,
  checkboxValue,
  reactionAddedEvent,
  selectValue,
  sendBlockAction,
  sendEvent,
  sendMessageShortcut,
  sendSlashCommand,
  sendUrlVerification,
  sendViewSubmission,
  textValue,
  userValue,
} from '../support/slack-requests';

const TOKEN = 'xoxb-test-token';

let fake: FakeSlack;
let slack: WebClient;

/** The client logs every Slack error it receives; these tests provoke errors on purpose. */
const silent: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};

/** A real WebClient pointed at the fake; `token: null` sends no token at all. */
function client(
  token: string | null = TOKEN,
  extra: ConstructorParameters<typeof WebClient>[1] = {},
): WebClient {
  return new WebClient(token ?? undefined, {
    slackApiUrl: fake.url,
    retryConfig: { retries: 0 },
    logger: silent,
    ...extra,
  });
}

/** The Slack error code a failed call rejected with. */
async function slackError(call: Promise<unknown>): Promise<string> {
  const error = (await call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  )) as WebAPIPlatformError;
  expect(error.code).toBe(ErrorCode.PlatformError);
  return error.data.error;
}

beforeAll(async () => {
  fake = await startFakeSlack();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  slack = client();
});

describe('fake Slack Web API', () => {
  it('serves the API under a /api/ base URL', () => {
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
  });

  it('records chat.postMessage with its decoded args and token', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*SEV1* database down' } }];
    const result = await slack.chat.postMessage({ channel: 'C123ABC', text: 'SEV1 database down', blocks });

    expect(result.ok).toBe(true);
    expect(result.channel).toBe('C123ABC');
    expect(result.ts).toBe('1700000000.000100');
    expect(fake.callsTo('chat.postMessage')).toEqual([
      {
        method: 'chat.postMessage',
        args: { channel: 'C123ABC', text: 'SEV1 database down', blocks },
        token: TOKEN,
      },
    ]);

    const second = await slack.chat.postMessage({ channel: 'C123ABC', text: 'update' });
    expect(Number(second.ts)).toBeGreaterThan(Number(result.ts));
  });

  it('rejects a message without text, blocks or attachments', async () => {
    expect(await slackError(slack.chat.postMessage({ channel: 'C123ABC' } as never))).toBe('no_text');
    expect(await slackError(slack.chat.postMessage({ channel: 'nope', text: 'hi' }))).toBe(
      'channel_not_found',
    );
  });

  it('answers name_taken when a channel name is reused', async () => {
    const created = await slack.conversations.create({ name: 'inc-42-db-down', is_private: true });
    expect(created.channel).toMatchObject({ name: 'inc-42-db-down', is_private: true });
    expect(created.channel?.id).toMatch(/^C/);
    expect(fake.callsTo('conversations.create')[0]?.args).toEqual({
      name: 'inc-42-db-down',
      is_private: true,
    });

    expect(await slackError(slack.conversations.create({ name: 'inc-42-db-down' }))).toBe('name_taken');
  });

  it('applies Slack channel name rules', async () => {
    expect(await slackError(slack.conversations.create({ name: 'Inc 42' }))).toBe('invalid_name_specials');
    expect(await slackError(slack.conversations.create({ name: 'a'.repeat(81) }))).toBe(
      'invalid_name_maxlength',
    );
    expect(await slackError(slack.conversations.create({ name: '' }))).toBe('invalid_name_required');
  });

  it('surfaces ratelimited as the client rate-limit error with Retry-After', async () => {
    fake.failNext('chat.postMessage', 'ratelimited', { retryAfterSeconds: 3 });
    const limited = client(TOKEN, { rejectRateLimitedCalls: true });

    const error = (await limited.chat
      .postMessage({ channel: 'C123ABC', text: 'hi' })
      .catch((e: unknown) => e)) as WebAPIRateLimitedError;
    expect(error.code).toBe(ErrorCode.RateLimitedError);
    expect(error.retryAfter).toBe(3);

    // Only the next call fails; the one after goes through.
    await expect(limited.chat.postMessage({ channel: 'C123ABC', text: 'hi' })).resolves.toMatchObject({
      ok: true,
    });
    expect(fake.callsTo('chat.postMessage')).toHaveLength(2);
  });

  it('fails only the calls to one channel when told which', async () => {
    fake.failNext('chat.postMessage', 'ratelimited', { channel: 'C0BUSY', times: 2 });
    const limited = client(TOKEN, { rejectRateLimitedCalls: true });
    await expect(limited.chat.postMessage({ channel: 'C0CALM', text: 'hi' })).resolves.toMatchObject({
      ok: true,
    });
    for (const _ of [1, 2]) {
      const error = (await limited.chat
        .postMessage({ channel: 'C0BUSY', text: 'hi' })
        .catch((e: unknown) => e)) as WebAPIRateLimitedError;
      expect(error.code).toBe(ErrorCode.RateLimitedError);
    }
    await expect(limited.chat.postMessage({ channel: 'C0BUSY', text: 'hi' })).resolves.toMatchObject({
      ok: true,
    });
  });

  it('fails the next N calls with a given Slack error', async () => {
    fake.failNext('users.info', 'fatal_error', { times: 2 });
    expect(await slackError(slack.users.info({ user: 'U123' }))).toBe('fatal_error');
    expect(await slackError(slack.users.info({ user: 'U123' }))).toBe('fatal_error');
    const { user } = await slack.users.info({ user: 'U123' });
    expect(user).toMatchObject({ id: 'U123', tz: 'America/Los_Angeles' });
    expect([-28800, -25200]).toContain(user?.tz_offset);
  });

  it('answers already_pinned for the same message twice', async () => {
    const { ts } = await slack.chat.postMessage({ channel: 'C123ABC', text: 'Incident summary' });
    await expect(slack.pins.add({ channel: 'C123ABC', timestamp: ts as string })).resolves.toMatchObject({
      ok: true,
    });
    expect(await slackError(slack.pins.add({ channel: 'C123ABC', timestamp: ts as string }))).toBe(
      'already_pinned',
    );
    expect(await slackError(slack.pins.add({ channel: 'C123ABC', timestamp: '1.000001' }))).toBe(
      'message_not_found',
    );
  });

  it('answers not_authed without a token and invalid_auth for a malformed one', async () => {
    expect(await slackError(client(null).auth.test())).toBe('not_authed');
    expect(fake.calls.at(-1)).toEqual({ method: 'auth.test', args: {} });
    expect(await slackError(client('not-a-slack-token').auth.test())).toBe('invalid_auth');
    await expect(slack.auth.test()).resolves.toMatchObject({
      user_id: 'U0BOT',
      bot_id: 'B0BOT',
      team_id: 'T0TEAM',
    });
  });

  it('updates a posted message and rejects unknown ts', async () => {
    const { ts } = await slack.chat.postMessage({ channel: 'C123ABC', text: 'v1' });
    const updated = await slack.chat.update({ channel: 'C123ABC', ts: ts as string, text: 'v2' });
    expect(updated).toMatchObject({ ok: true, ts, text: 'v2' });
    expect(await slackError(slack.chat.update({ channel: 'C123ABC', ts: '1.000001', text: 'x' }))).toBe(
      'message_not_found',
    );
  });

  it('tracks invitations', async () => {
    const { channel } = await slack.conversations.create({ name: 'inc-7' });
    const id = channel?.id as string;
    await slack.conversations.invite({ channel: id, users: 'U1,U2' });
    expect(await slackError(slack.conversations.invite({ channel: id, users: 'U1' }))).toBe(
      'already_in_channel',
    );
    expect(await slackError(slack.conversations.invite({ channel: id, users: 'U0BOT' }))).toBe(
      'cant_invite_self',
    );
    const info = await slack.conversations.info({ channel: id });
    expect(info.channel).toMatchObject({ id, name: 'inc-7', is_private: false, is_member: true });
  });

  it('validates views and trigger ids', async () => {
    const view = {
      type: 'modal' as const,
      title: { type: 'plain_text' as const, text: 'Declare incident' },
      blocks: [],
    };
    const opened = await slack.views.open({ trigger_id: '123.456.abc', view });
    expect(opened.view).toMatchObject({ type: 'modal', title: view.title });

    expect(await slackError(slack.views.open({ trigger_id: '123.456.abc', view }))).toBe(
      'exchanged_trigger_id',
    );
    expect(await slackError(slack.views.open({ trigger_id: 'expired.1', view }))).toBe('expired_trigger_id');
    const longTitle = { ...view, title: { type: 'plain_text' as const, text: 'x'.repeat(25) } };
    expect(await slackError(slack.views.open({ trigger_id: '123.456.def', view: longTitle }))).toBe(
      'invalid_arguments',
    );

    const updated = await slack.views.update({
      view_id: opened.view?.id as string,
      view: { ...view, blocks: [{ type: 'divider' }] },
    });
    expect(updated.view?.id).toBe(opened.view?.id);
    const home = await slack.views.publish({ user_id: 'U123', view: { type: 'home', blocks: [] } });
    expect(home.view?.type).toBe('home');
  });

  it('answers unknown_method for methods it does not implement', async () => {
    expect(await slackError(slack.apiCall('nonexistent.method'))).toBe('unknown_method');
  });

  it('accepts JSON bodies', async () => {
    const response = await fetch(`${fake.url}chat.postMessage`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ channel: 'C123ABC', blocks: [{ type: 'divider' }] }),
    });
    expect(await response.json()).toMatchObject({ ok: true, channel: 'C123ABC' });
    expect(fake.calls.at(-1)?.args).toEqual({ channel: 'C123ABC', blocks: [{ type: 'divider' }] });
  });

  it('returns the message a reaction points at from conversations.history', async () => {
    const first = fake.addMessage('C0INC', { user: 'U1', text: 'db is down' });
    const reacted = fake.addMessage('C0INC', { user: 'U2', text: 'failover started' });
    fake.addMessage('C0INC', { user: 'U2', text: 'in a thread', thread_ts: reacted });
    const { ts: later } = await slack.chat.postMessage({ channel: 'C0INC', text: 'Sitrep update' });

    const one = await slack.conversations.history({
      channel: 'C0INC',
      latest: reacted,
      inclusive: true,
      limit: 1,
    });
    expect(one.messages).toEqual([
      expect.objectContaining({ type: 'message', user: 'U2', text: 'failover started', ts: reacted }),
    ]);
    expect(one.has_more).toBe(true);
    expect(fake.callsTo('conversations.history')[0]?.args).toMatchObject({ inclusive: true, limit: '1' });

    // Newest first, thread replies left out; exclusive bounds without inclusive.
    const all = await slack.conversations.history({ channel: 'C0INC' });
    expect(all.messages?.map((m) => m.ts)).toEqual([later, reacted, first]);
    expect(all.messages?.[0]).toMatchObject({ bot_id: 'B0BOT', user: 'U0BOT' });
    expect(all.messages?.[1]).toMatchObject({ reply_count: 1, thread_ts: reacted });
    const between = await slack.conversations.history({
      channel: 'C0INC',
      oldest: first,
      latest: later as string,
    });
    expect(between.messages?.map((m) => m.ts)).toEqual([reacted]);
    const replies = await slack.conversations.replies({ channel: 'C0INC', ts: reacted });
    expect(replies.messages?.map((m) => m.text)).toEqual(['failover started', 'in a thread']);
  });

  it('seeds messages with a given ts and keeps later bot posts after them', async () => {
    const seeded = fake.addMessage('C0INC', { user: 'U1', text: 'old', ts: '1800000000.000100' });
    const { ts } = await slack.chat.postMessage({ channel: 'C0INC', text: 'new' });
    expect(Number(ts)).toBeGreaterThan(Number(seeded));
    expect(fake.messagesIn('C0INC').map((m) => m.text)).toEqual(['old', 'new']);
    expect(() => fake.addMessage('C0INC', { user: 'U1', text: 'dup', ts: seeded })).toThrow(/already/);
  });

  it('hides private channels the bot is not in and refuses public ones it has not joined', async () => {
    fake.addChannel('C0SECRET', { isPrivate: true, botIsMember: false });
    fake.addChannel('C0PUBLIC', { botIsMember: false });
    expect(await slackError(slack.conversations.history({ channel: 'C0SECRET' }))).toBe('channel_not_found');
    expect(await slackError(slack.conversations.join({ channel: 'C0SECRET' }))).toBe('channel_not_found');
    expect(await slackError(slack.conversations.history({ channel: 'C0PUBLIC' }))).toBe('not_in_channel');
    expect(await slackError(slack.chat.postMessage({ channel: 'C0PUBLIC', text: 'hi' }))).toBe(
      'not_in_channel',
    );
    expect(await slackError(slack.conversations.history({ channel: 'nope' }))).toBe('channel_not_found');

    const joined = await slack.conversations.join({ channel: 'C0PUBLIC' });
    expect(joined.channel).toMatchObject({ id: 'C0PUBLIC', is_member: true });
    await expect(slack.conversations.history({ channel: 'C0PUBLIC' })).resolves.toMatchObject({
      messages: [],
    });
    await expect(slack.conversations.join({ channel: 'C0PUBLIC' })).resolves.toMatchObject({
      warning: 'already_in_channel',
    });
    fake.addChannel('C0OLD', { isArchived: true });
    expect(await slackError(slack.chat.postMessage({ channel: 'C0OLD', text: 'hi' }))).toBe('is_archived');
  });

  it('builds permalinks for stored messages', async () => {
    const { ts } = await slack.chat.postMessage({ channel: 'C123ABC', text: 'root' });
    const reply = await slack.chat.postMessage({
      channel: 'C123ABC',
      text: 'reply',
      thread_ts: ts as string,
    });
    const link = await slack.chat.getPermalink({ channel: 'C123ABC', message_ts: ts as string });
    expect(link.permalink).toBe(
      `https://sitrep-test.slack.com/archives/C123ABC/p${(ts as string).replace('.', '')}`,
    );
    const replyLink = await slack.chat.getPermalink({ channel: 'C123ABC', message_ts: reply.ts as string });
    expect(replyLink.permalink).toContain(`?thread_ts=${ts}&cid=C123ABC`);
    expect(fake.message('C123ABC', reply.ts as string)).toMatchObject({ thread_ts: ts, text: 'reply' });
    expect(await slackError(slack.chat.getPermalink({ channel: 'C123ABC', message_ts: '1.000001' }))).toBe(
      'message_not_found',
    );
  });

  it('stores the latest version of an updated message', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*v1*' } }];
    const { ts } = await slack.chat.postMessage({ channel: 'C123ABC', text: 'v1', blocks });
    expect(fake.message('C123ABC', ts as string)).toMatchObject({ text: 'v1', blocks, editCount: 0 });

    const v2 = [{ type: 'section', text: { type: 'mrkdwn', text: '*v2*' } }];
    await slack.chat.update({ channel: 'C123ABC', ts: ts as string, text: 'v2', blocks: v2 });
    await slack.chat.update({ channel: 'C123ABC', ts: ts as string, text: 'v3' });
    const latest = fake.message('C123ABC', ts as string);
    expect(latest).toMatchObject({ channel: 'C123ABC', ts, text: 'v3', blocks: v2, editCount: 2 });
    expect(latest?.edited).toMatchObject({ user: 'U0BOT' });
    expect(fake.message('C123ABC', '1.000001')).toBeUndefined();

    const human = fake.addMessage('C123ABC', { user: 'U1', text: 'mine' });
    expect(await slackError(slack.chat.update({ channel: 'C123ABC', ts: human, text: 'x' }))).toBe(
      'cant_update_message',
    );
  });

  it('rejects messages that break Block Kit limits with invalid_blocks', async () => {
    const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
    const button = (i: number) => ({
      type: 'button',
      action_id: `b${i}`,
      text: { type: 'plain_text', text: 'Go' },
    });
    const tooMany = Array.from({ length: 51 }, (_, i) => section(`line ${i}`));
    const error = (await slack.chat
      .postMessage({ channel: 'C123ABC', text: 'x', blocks: tooMany })
      .catch((e: unknown) => e)) as WebAPIPlatformError;
    expect(error.data.error).toBe('invalid_blocks');
    expect(error.data.response_metadata?.messages).toEqual([
      '[ERROR] no more than 50 items allowed [json-pointer:/blocks]',
    ]);

    const invalid: unknown[][] = [
      [section('x'.repeat(3001))],
      [{ type: 'header', text: { type: 'plain_text', text: 'x'.repeat(151) } }],
      [{ ...section('ok'), block_id: 'b'.repeat(256) }],
      [{ type: 'actions', elements: [{ ...button(0), action_id: 'a'.repeat(256) }] }],
      [{ type: 'actions', elements: Array.from({ length: 26 }, (_, i) => button(i)) }],
      [{ type: 'context', elements: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'c' })) }],
    ];
    for (const blocks of invalid) {
      expect(
        await slackError(slack.chat.postMessage({ channel: 'C123ABC', text: 'x', blocks } as never)),
      ).toBe('invalid_blocks');
      expect(
        await slackError(
          slack.chat.postEphemeral({ channel: 'C123ABC', user: 'U1', text: 'x', blocks } as never),
        ),
      ).toBe('invalid_blocks');
    }
    const { ts } = await slack.chat.postMessage({
      channel: 'C123ABC',
      text: 'ok',
      blocks: [section('x'.repeat(3000))],
    });
    expect(
      await slackError(
        slack.chat.update({ channel: 'C123ABC', ts: ts as string, blocks: [section('x'.repeat(3001))] }),
      ),
    ).toBe('invalid_blocks');
    expect(fake.callsTo('chat.postMessage').at(-1)?.args.blocks).toHaveLength(1);
  });

  it('truncates top-level text over 40,000 characters instead of failing', async () => {
    const { ts, message } = await slack.chat.postMessage({ channel: 'C123ABC', text: 'y'.repeat(40_001) });
    expect(message?.text).toHaveLength(40_000);
    expect(fake.message('C123ABC', ts as string)?.text).toHaveLength(40_000);
  });

  it('rejects views that break modal limits with invalid_arguments', async () => {
    const modal = {
      type: 'modal' as const,
      title: { type: 'plain_text' as const, text: 'Declare' },
      blocks: [],
    };
    const bad = [
      { ...modal, title: { type: 'plain_text' as const, text: 'x'.repeat(25) } },
      { ...modal, submit: { type: 'plain_text' as const, text: 'x'.repeat(25) } },
      { ...modal, blocks: Array.from({ length: 101 }, () => ({ type: 'divider' as const })) },
      { ...modal, private_metadata: 'm'.repeat(3001) },
      { ...modal, callback_id: 'c'.repeat(256) },
    ];
    for (const [i, view] of bad.entries())
      expect(await slackError(slack.views.open({ trigger_id: `t.${i}`, view }))).toBe('invalid_arguments');
    const error = (await slack.views
      .push({ trigger_id: 't.push', view: bad[0]! })
      .catch((e: unknown) => e)) as WebAPIPlatformError;
    expect(error.data.response_metadata?.messages).toEqual([
      '[ERROR] must be less than 25 characters [json-pointer:/view/title/text]',
    ]);
    // A rejected view does not use up the trigger id.
    await expect(slack.views.open({ trigger_id: 't.0', view: modal })).resolves.toMatchObject({ ok: true });
    expect(fake.views()).toEqual([expect.objectContaining({ title: modal.title })]);
  });

  it('answers users.info with the registered time zone', async () => {
    fake.setUser('U0BERLIN', { tz: 'Europe/Berlin', real_name: 'Ada' });
    const { user } = await slack.users.info({ user: 'U0BERLIN' });
    expect(user).toMatchObject({ id: 'U0BERLIN', tz: 'Europe/Berlin', real_name: 'Ada' });
    expect([3600, 7200]).toContain(user?.tz_offset);
    expect((await slack.users.info({ user: 'W0OTHER' })).user?.tz).toBe('America/Los_Angeles');
    expect(await slackError(slack.users.info({ user: 'B0BOT' }))).toBe('user_not_found');
  });

  it('records posts to a response_url', async () => {
    const url = fake.responseUrl('x');
    expect(url.startsWith(fake.url.replace(/\/api\/$/, ''))).toBe(true);
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ text: 'Incident declared', response_type: 'in_channel' }),
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('ok');
    expect(fake.responses).toEqual([
      { id: 'x', body: { text: 'Incident declared', response_type: 'in_channel' } },
    ]);
    expect(fake.responseUrl()).not.toBe(fake.responseUrl());
    expect((await fetch(url, { method: 'POST', body: 'not json' })).status).toBe(400);
    expect(fake.responses).toHaveLength(1);
  });

  it('delays a method until reset', async () => {
    fake.delay('chat.postMessage', 300);
    let started = Date.now();
    await slack.chat.postMessage({ channel: 'C123ABC', text: 'slow' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    // The call is recorded on arrival, before the delay.
    const pending = slack.chat.postMessage({ channel: 'C123ABC', text: 'slow again' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fake.callsTo('chat.postMessage')).toHaveLength(2);
    expect(fake.messagesIn('C123ABC')).toHaveLength(1);
    await pending;

    started = Date.now();
    await slack.auth.test();
    expect(Date.now() - started).toBeLessThan(200);
    fake.reset();
    started = Date.now();
    await slack.chat.postMessage({ channel: 'C123ABC', text: 'fast' });
    expect(Date.now() - started).toBeLessThan(200);
  });
});

/** Polls until `check` passes (listeners run after the ack, so their effects land a little later). */
async function eventually(check: () => void, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

describe('signed request builders against a real Bolt receiver', () => {
  let receiver: HTTPReceiver;
  let baseUrl: string;
  const seen: { kind: string; body: Record<string, unknown>; retryNum?: number }[] = [];

  beforeAll(async () => {
    receiver = new HTTPReceiver({ signingSecret: TEST_SIGNING_SECRET, logger: silent });
    const app = new App({
      token: TEST_BOT_TOKEN,
      receiver,
      logger: silent,
      clientOptions: { slackApiUrl: fake.url, retryConfig: { retries: 0 } },
    });
    app.command('/incident', async ({ ack, body, respond }) => {
      await ack();
      seen.push({ kind: 'command', body: { ...body } });
      await respond({ text: `got ${body.text}` });
    });
    app.view('declare_incident', async ({ ack, body, respond }) => {
      await ack();
      seen.push({ kind: 'view', body: body as never });
      await respond({ text: 'Declared' });
    });
    app.action('ack_incident', async ({ ack, body, respond }) => {
      await ack();
      seen.push({ kind: 'action', body: body as never });
      await respond({ text: 'Acknowledged', replace_original: false });
    });
    app.shortcut('add_to_timeline', async ({ ack, body, respond }) => {
      await ack();
      seen.push({ kind: 'shortcut', body: body as never });
      await respond({ text: 'Added' });
    });
    app.event('reaction_added', async ({ event, context }) => {
      seen.push({ kind: 'reaction', body: event as never, retryNum: context.retryNum });
    });
    const server = await receiver.start(0);
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await receiver.stop();
  });
  beforeEach(() => {
    seen.length = 0;
  });

  it('delivers a slash command whose respond() reaches the fake response_url', async () => {
    const reply = await sendSlashCommand(baseUrl, 'help', { response_url: fake.responseUrl('cmd') });
    expect(reply.status).toBe(200);
    await eventually(() => expect(fake.responses).toEqual([{ id: 'cmd', body: { text: 'got help' } }]));
    expect(fake.callsTo('auth.test')).toHaveLength(1);
  });

  it('delivers a view submission with Slack-shaped state values', async () => {
    const values = {
      title: { title_input: textValue('Checkout errors') },
      severity: { severity_select: selectValue('sev1') },
      commander: { commander_select: userValue('U0IC') },
      notify: { notify_boxes: checkboxValue(['status_page']) },
    };
    const responseUrls = [
      {
        block_id: 'channel',
        action_id: 'pick',
        channel_id: 'C0GENERAL',
        response_url: fake.responseUrl('modal'),
      },
    ];
    const reply = await sendViewSubmission(baseUrl, {
      callbackId: 'declare_incident',
      privateMetadata: '{"channel":"C0GENERAL"}',
      values,
      responseUrls,
    });
    expect(reply.status).toBe(200);
    await eventually(() => expect(fake.responses).toEqual([{ id: 'modal', body: { text: 'Declared' } }]));
    expect(seen[0]?.body).toMatchObject({
      type: 'view_submission',
      user: { id: 'U0RESPONDER' },
      view: {
        callback_id: 'declare_incident',
        private_metadata: '{"channel":"C0GENERAL"}',
        state: { values },
      },
    });
  });

  it('delivers a button click and a message shortcut', async () => {
    const { ts } = await slack.chat.postMessage({ channel: 'C0INC', text: 'SEV1 declared' });
    const click = await sendBlockAction(baseUrl, {
      actionId: 'ack_incident',
      value: 'inc-42',
      channelId: 'C0INC',
      message: fake.message('C0INC', ts as string),
      responseUrl: fake.responseUrl('button'),
    });
    expect(click.status).toBe(200);
    const shortcut = await sendMessageShortcut(baseUrl, {
      callbackId: 'add_to_timeline',
      channelId: 'C0INC',
      messageTs: '1700000001.000200',
      text: 'restarted the primary',
      responseUrl: fake.responseUrl('shortcut'),
    });
    expect(shortcut.status).toBe(200);
    await eventually(() => expect(fake.responses.map((r) => r.id).sort()).toEqual(['button', 'shortcut']));
    expect(seen.find((s) => s.kind === 'action')?.body).toMatchObject({
      container: { type: 'message', message_ts: ts, channel_id: 'C0INC' },
      message: { ts, text: 'SEV1 declared', bot_id: 'B0BOT' },
      actions: [{ action_id: 'ack_incident', value: 'inc-42', type: 'button' }],
    });
    expect(seen.find((s) => s.kind === 'shortcut')?.body).toMatchObject({
      channel: { id: 'C0INC' },
      message: { ts: '1700000001.000200', text: 'restarted the primary' },
    });
  });

  it('delivers events with their retry number', async () => {
    const event = reactionAddedEvent({
      user: 'U1',
      reaction: 'eyes',
      channel: 'C0INC',
      ts: '1700000001.000200',
    });
    expect((await sendEvent(baseUrl, event)).status).toBe(200);
    const retry = await sendEvent(baseUrl, event, {
      eventId: 'Ev1',
      retryNum: 1,
      retryReason: 'http_timeout',
    });
    expect(retry.status).toBe(200);
    await eventually(() => expect(seen.map((s) => s.retryNum)).toEqual([undefined, 1]));
    expect(seen[0]?.body).toMatchObject({
      item: { type: 'message', channel: 'C0INC', ts: '1700000001.000200' },
    });
  });

  it('echoes url_verification and rejects bad signatures and stale timestamps', async () => {
    const verified = await sendUrlVerification(baseUrl, 'challenge-123');
    expect(await verified.json()).toEqual({ challenge: 'challenge-123' });
    expect((await sendUrlVerification(baseUrl, 'c', { secret: 'wrong' })).status).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 6 * 60;
    expect((await sendSlashCommand(baseUrl, 'help', {}, { timestamp: stale })).status).toBe(401);
    const wrong = await sendBlockAction(baseUrl, { actionId: 'ack_incident' }, { secret: 'wrong' });
    expect(wrong.status).toBe(401);
    expect(seen).toEqual([]);
  });
});
