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
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';

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
});
