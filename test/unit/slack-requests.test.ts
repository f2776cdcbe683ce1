/**
 * The signed-request builders in test/support/slack-requests.ts: every request they send carries a
 * signature Bolt's own verifier accepts, and the secret/timestamp options break it on purpose.
 */
import { verifySlackRequest } from '@slack/bolt';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  TEST_SIGNING_SECRET,
  reactionAddedEvent,
  sendBlockAction,
  sendEvent,
  sendMessageShortcut,
  sendSlashCommand,
  sendUrlVerification,
  sendViewSubmission,
  slackSignature,
  textValue,
} from '../support/slack-requests';

interface Captured {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let server: Server;
let baseUrl: string;
const captured: Captured[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      captured.push({
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  captured.length = 0;
});

/** The one request the builder sent. */
async function capture(send: () => Promise<Response>): Promise<Captured> {
  await send();
  expect(captured).toHaveLength(1);
  return captured[0]!;
}

function verify(request: Captured, nowMilliseconds?: number): void {
  verifySlackRequest({
    signingSecret: TEST_SIGNING_SECRET,
    body: request.body,
    headers: {
      'x-slack-signature': String(request.headers['x-slack-signature']),
      'x-slack-request-timestamp': Number(request.headers['x-slack-request-timestamp']),
    },
    ...(nowMilliseconds !== undefined ? { nowMilliseconds } : {}),
  });
}

const payloadOf = (request: Captured): Record<string, unknown> =>
  JSON.parse(new URLSearchParams(request.body).get('payload') ?? '') as Record<string, unknown>;

describe('signed request builders', () => {
  it('signs exactly like Slack (v0 HMAC-SHA256 over v0:timestamp:body)', () => {
    // Published example from Slack's "Verifying requests from Slack" guide.
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(slackSignature(body, 1531420618, '8f742231b10e8888abcd99yyyzzz85a5')).toBe(
      'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    );
  });

  it.each([
    [
      'slash command',
      () => sendSlashCommand(baseUrl, 'declare sev1 db down'),
      'application/x-www-form-urlencoded',
    ],
    [
      'view submission',
      () => sendViewSubmission(baseUrl, { callbackId: 'declare', values: { t: { t: textValue('x') } } }),
      'application/x-www-form-urlencoded',
    ],
    [
      'block action',
      () => sendBlockAction(baseUrl, { actionId: 'ack' }),
      'application/x-www-form-urlencoded',
    ],
    [
      'message shortcut',
      () =>
        sendMessageShortcut(baseUrl, {
          callbackId: 'cb',
          channelId: 'C1',
          messageTs: '1700000000.000100',
          text: 'x',
        }),
      'application/x-www-form-urlencoded',
    ],
    [
      'event',
      () =>
        sendEvent(
          baseUrl,
          reactionAddedEvent({ user: 'U1', reaction: 'eyes', channel: 'C1', ts: '1.000100' }),
        ),
      'application/json',
    ],
    ['url verification', () => sendUrlVerification(baseUrl, 'abc'), 'application/json'],
  ])('signs the %s request so that Bolt verifies it', async (_name, send, contentType) => {
    const request = await capture(send);
    expect(request.path).toBe('/slack/events');
    expect(request.headers['content-type']).toBe(contentType);
    expect(() => verify(request)).not.toThrow();
  });

  it('uses the given secret and timestamp so tests can send bad and stale requests', async () => {
    const wrong = await capture(() =>
      sendBlockAction(baseUrl, { actionId: 'ack' }, { secret: 'not-the-secret' }),
    );
    expect(() => verify(wrong)).toThrow(/signature mismatch/);

    captured.length = 0;
    const at = 1_700_000_000;
    const stale = await capture(() => sendUrlVerification(baseUrl, 'abc', { timestamp: at }));
    expect(stale.headers['x-slack-request-timestamp']).toBe(String(at));
    expect(() => verify(stale)).toThrow(/stale/);
    expect(() => verify(stale, at * 1000)).not.toThrow();
  });

  it('sends interaction payloads as payload=<json> and retries with Slack retry headers', async () => {
    const shortcut = await capture(() =>
      sendMessageShortcut(baseUrl, {
        callbackId: 'add_to_timeline',
        channelId: 'C0INC',
        messageTs: '1700000000.000100',
        text: 'restarted the primary',
        messageUserId: 'U0AUTHOR',
      }),
    );
    expect(payloadOf(shortcut)).toMatchObject({
      type: 'message_action',
      callback_id: 'add_to_timeline',
      message_ts: '1700000000.000100',
      message: { type: 'message', user: 'U0AUTHOR', ts: '1700000000.000100', text: 'restarted the primary' },
      channel: { id: 'C0INC' },
      team: { id: 'T0TEAM' },
    });
    expect(payloadOf(shortcut).trigger_id).toMatch(/^\d+\.\d+\.[0-9a-f]+$/);

    captured.length = 0;
    const retried = await capture(() =>
      sendEvent(
        baseUrl,
        { type: 'app_mention' },
        { eventId: 'Ev1', retryNum: 2, retryReason: 'http_timeout' },
      ),
    );
    expect(retried.headers['x-slack-retry-num']).toBe('2');
    expect(retried.headers['x-slack-retry-reason']).toBe('http_timeout');
    expect(JSON.parse(retried.body)).toMatchObject({
      type: 'event_callback',
      event_id: 'Ev1',
      team_id: 'T0TEAM',
      event: { type: 'app_mention' },
    });
    expect(() => verify(retried)).not.toThrow();
  });
});
