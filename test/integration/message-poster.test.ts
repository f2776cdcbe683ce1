import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebAPIHTTPError, WebAPIRequestError } from '@slack/web-api';
import { isPermanentSlackError, retryAfterMs, slackErrorCode } from '../../src/services/slack/slack-errors';
import { HttpMessagePoster, posterFor } from '../../src/slack/message-poster';
import { createJobSlackClient } from '../../src/slack/web-client';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack';
import { TEST_BOT_TOKEN } from '../support/slack-requests';

const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: 'Reminder' } }];

/** The lean chat.postMessage of reminders against the fake Slack: same answers and errors as WebClient. */
describe('HttpMessagePoster', () => {
  let fake: FakeSlack;
  beforeAll(async () => {
    fake = await startFakeSlack();
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => fake.reset());

  const poster = () => new HttpMessagePoster(TEST_BOT_TOKEN, fake.url);

  it('posts a DM with the bot token and returns the channel and ts Slack answered', async () => {
    const posted = await poster().postMessage({ channel: 'U0OWNER', text: 'Reminder', blocks });
    expect(posted.ts).toMatch(/^\d+\.\d+$/);
    const [call] = fake.callsTo('chat.postMessage');
    expect(call!.token).toBe(TEST_BOT_TOKEN);
    expect(call!.args).toMatchObject({ channel: 'U0OWNER', text: 'Reminder', blocks });
    expect(posted.channel).toMatch(/^[CDU][A-Z0-9]+$/);
  });

  it('a 429 becomes the rate-limited error with Retry-After, as WebClient raises it', async () => {
    fake.failNext('chat.postMessage', 'ratelimited', { retryAfterSeconds: 7 });
    const error = await poster()
      .postMessage({ channel: 'U0OWNER', text: 'x', blocks })
      .catch((e: unknown) => e);
    expect(retryAfterMs(error)).toBe(7000);
  });

  it('`ok: false` becomes the platform error, so permanent ones fail the job', async () => {
    fake.failNext('chat.postMessage', 'channel_not_found');
    const error = await poster()
      .postMessage({ channel: 'U0OWNER', text: 'x', blocks })
      .catch((e: unknown) => e);
    expect(slackErrorCode(error)).toBe('channel_not_found');
    expect(isPermanentSlackError(error)).toBe(true);
    fake.failNext('chat.postMessage', 'internal_error');
    const transient = await poster()
      .postMessage({ channel: 'U0OWNER', text: 'x', blocks })
      .catch((e: unknown) => e);
    expect(slackErrorCode(transient)).toBe('internal_error');
    expect(isPermanentSlackError(transient)).toBe(false);
  });

  it('another HTTP status and a refused connection are retryable errors', async () => {
    fake.failNext('chat.postMessage', 'service_unavailable', { status: 503 });
    const http = await poster()
      .postMessage({ channel: 'U0OWNER', text: 'x', blocks })
      .catch((e: unknown) => e);
    expect(http).toBeInstanceOf(WebAPIHTTPError);
    expect((http as WebAPIHTTPError).statusCode).toBe(503);
    expect(isPermanentSlackError(http)).toBe(false);

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await new HttpMessagePoster(TEST_BOT_TOKEN, `http://127.0.0.1:${port}/api/`)
      .postMessage({ channel: 'U0OWNER', text: 'x', blocks })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(WebAPIRequestError);
    expect(retryAfterMs(refused)).toBeUndefined();
  });

  it('one poster per WebClient, speaking with its token to its API URL', async () => {
    const client = createJobSlackClient({ botToken: TEST_BOT_TOKEN, apiUrl: fake.url });
    expect(posterFor(client)).toBe(posterFor(client));
    await posterFor(client).postMessage({ channel: 'U0OTHER', text: 'x', blocks });
    expect(fake.callsTo('chat.postMessage').map((c) => [c.args.channel, c.token])).toEqual([
      ['U0OTHER', TEST_BOT_TOKEN],
    ]);
  });
});
