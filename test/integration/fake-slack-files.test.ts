import { LogLevel, WebClient, type Logger } from '@slack/web-api';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack';
import { TEST_BOT_TOKEN } from '../support/slack-requests';

const silent: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};

describe('fake Slack file uploads (real @slack/web-api client)', () => {
  let fake: FakeSlack;
  let client: WebClient;
  beforeAll(async () => {
    fake = await startFakeSlack();
    client = new WebClient(TEST_BOT_TOKEN, {
      slackApiUrl: fake.url,
      retryConfig: { retries: 0 },
      logger: silent,
    });
  });
  afterAll(async () => fake.close());
  beforeEach(() => fake.reset());

  it('takes files.uploadV2: upload URL, the bytes, completion with a comment in the channel', async () => {
    const result = await client.files.uploadV2({
      channel_id: 'C0FILES',
      filename: 'report.md',
      title: 'Report',
      content: '# Hello\n\nWorld',
      initial_comment: 'Here it is',
    });
    expect(result.ok).toBe(true);
    expect(fake.callsTo('files.getUploadURLExternal')[0]!.args).toMatchObject({ filename: 'report.md' });
    const [file] = fake.files();
    expect(file).toMatchObject({
      filename: 'report.md',
      title: 'Report',
      channel: 'C0FILES',
      initialComment: 'Here it is',
    });
    expect(file!.content).toContain('# Hello\n\nWorld');
    expect(fake.messagesIn('C0FILES').map((m) => m.text)).toEqual(['Here it is']);
  });

  it('refuses to complete a file whose bytes never arrived, or one it does not know', async () => {
    const { file_id } = await client.files.getUploadURLExternal({ filename: 'a.md', length: 5 });
    await expect(
      client.files.completeUploadExternal({ files: [{ id: file_id! }], channel_id: 'C0FILES' }),
    ).rejects.toMatchObject({ data: { error: 'file_upload_not_completed' } });
    await expect(client.files.completeUploadExternal({ files: [{ id: 'F0NOPE' }] })).rejects.toMatchObject({
      data: { error: 'file_not_found' },
    });
    await expect(client.files.getUploadURLExternal({ filename: '', length: 5 })).rejects.toMatchObject({
      data: { error: 'invalid_arguments' },
    });
  });
});
