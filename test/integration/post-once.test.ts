import { WebClient } from '@slack/web-api';
import { postOnce } from '../../src/services/slack/post-once';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack';
import { TEST_BOT_TOKEN } from '../support/slack-requests';

/** A retried job must find the post an earlier attempt made (and never recorded) instead of posting again. */
describe('postOnce (real Web API client, fake Slack)', () => {
  let fake: FakeSlack;
  let slack: WebClient;
  beforeAll(async () => {
    fake = await startFakeSlack();
    slack = new WebClient(TEST_BOT_TOKEN, { slackApiUrl: fake.url, retryConfig: { retries: 0 } });
  });
  afterAll(async () => fake.close());
  beforeEach(() => fake.reset());

  const message = (text: string) => ({ text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] });

  it('adopts an earlier post with the same key in the channel, and posts when there is none', async () => {
    fake.addChannel('C0POSTS');
    const first = await postOnce(slack, {
      channel: 'C0POSTS',
      key: 'update:1:channel',
      message: message('first'),
      mayHavePosted: false,
    });
    fake.addMessage('C0POSTS', { user: 'U0HUMAN', text: 'chatter after it' });
    const again = await postOnce(slack, {
      channel: 'C0POSTS',
      key: 'update:1:channel',
      message: message('first'),
      mayHavePosted: true,
    });
    expect(again).toBe(first);
    const other = await postOnce(slack, {
      channel: 'C0POSTS',
      key: 'update:2:channel',
      message: message('second'),
      mayHavePosted: true,
    });
    expect(other).not.toBe(first);
    expect(fake.callsTo('chat.postMessage')).toHaveLength(2);
    expect(
      fake
        .messagesIn('C0POSTS')
        .filter((m) => m.bot_id)
        .map((m) => m.text),
    ).toEqual(['first', 'second']);
  });

  it('looks in the thread for a thread reply', async () => {
    fake.addChannel('C0ANNOUNCE');
    const parent = await postOnce(slack, {
      channel: 'C0ANNOUNCE',
      key: 'announcement:1',
      message: message('announcement'),
      mayHavePosted: false,
    });
    const reply = await postOnce(slack, {
      channel: 'C0ANNOUNCE',
      threadTs: parent,
      key: 'update:1:thread',
      message: message('reply'),
      mayHavePosted: false,
    });
    const retried = await postOnce(slack, {
      channel: 'C0ANNOUNCE',
      threadTs: parent,
      key: 'update:1:thread',
      message: message('reply'),
      mayHavePosted: true,
    });
    expect(retried).toBe(reply);
    expect(fake.callsTo('conversations.replies')).toHaveLength(1);
    expect(fake.callsTo('chat.postMessage')).toHaveLength(2);
  });

  it('a first attempt does not look (no extra call), so it posts even if the key exists', async () => {
    fake.addChannel('C0FIRST');
    await postOnce(slack, { channel: 'C0FIRST', key: 'k', message: message('a'), mayHavePosted: false });
    await postOnce(slack, { channel: 'C0FIRST', key: 'k', message: message('a'), mayHavePosted: false });
    expect(fake.callsTo('conversations.history')).toHaveLength(0);
    expect(fake.callsTo('chat.postMessage')).toHaveLength(2);
  });

  it('joins a public channel it posted to without being a member before reading it', async () => {
    fake.addChannel('C0OUTSIDE', { botIsMember: false });
    fake.addMessage('C0OUTSIDE', { user: 'U0HUMAN', text: 'hello' });
    const ts = await postOnce(slack, {
      channel: 'C0OUTSIDE',
      key: 'announcement:9',
      message: message('x'),
      mayHavePosted: true,
    });
    expect(fake.callsTo('conversations.join')).toHaveLength(1);
    expect(fake.message('C0OUTSIDE', ts)?.text).toBe('x');
  });
});
