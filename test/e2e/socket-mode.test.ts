import { migrateDatabase } from '../../src/db/migrate';
import { createTestDatabase, uniqueRedisPrefix, type TestDatabase } from '../support/database';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack';
import { startFakeSocketMode, type FakeSocketMode } from '../support/fake-socket-mode';
import { bootSitrep, type SitrepUnderTest } from '../support/sitrep-harness';
import { TEST_BOT_TOKEN } from '../support/slack-requests';

jest.setTimeout(30000);

describe('Socket Mode (same listeners as HTTP)', () => {
  let db: TestDatabase;
  let fake: FakeSlack;
  let socket: FakeSocketMode;
  let app: SitrepUnderTest;

  beforeAll(async () => {
    db = await createTestDatabase('socket');
    await migrateDatabase({ databaseUrl: db.url });
    fake = await startFakeSlack();
    socket = await startFakeSocketMode();
    fake.setSocketModeUrl(socket.url);
    app = await bootSitrep(
      {
        DATABASE_URL: db.url,
        REDIS_PREFIX: uniqueRedisPrefix('socket'),
        SLACK_BOT_TOKEN: TEST_BOT_TOKEN,
        SLACK_APP_TOKEN: 'xapp-1-A0SITREP-test-app-token',
        SLACK_API_URL: fake.url,
      },
      'all',
    );
    await socket.connected;
  });
  afterAll(async () => {
    await app.stop();
    await socket.close();
    await fake.close();
    await db.drop();
  });

  const slashCommand = (text: string) => ({
    token: 'legacy',
    team_id: 'T0TEAM',
    channel_id: 'C0GENERAL',
    user_id: 'U0RESPONDER',
    command: '/incident',
    text,
    api_app_id: 'A0SITREP',
    response_url: fake.responseUrl(),
    trigger_id: 'trigger-socket-1',
  });

  it('connects with the app-level token and serves no Slack endpoint over HTTP', async () => {
    expect(fake.callsTo('apps.connections.open')).toEqual([
      expect.objectContaining({ token: 'xapp-1-A0SITREP-test-app-token' }),
    ]);
    expect((await fetch(`${app.baseUrl}/slack/events`, { method: 'POST' })).status).toBe(404);
  });

  it('answers a slash command through the socket with the same reply as HTTP', async () => {
    const ack = await socket.send('slash_commands', slashCommand('help'));
    expect(ack).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('/incident declare [title]'),
    });
  });

  it('opens the declare modal for `/incident declare` received over the socket', async () => {
    await socket.send('slash_commands', slashCommand('declare Disk full'));
    const opened = await new Promise<Record<string, unknown>>((resolve) => {
      const poll = setInterval(() => {
        const call = fake.callsTo('views.open')[0];
        if (call) {
          clearInterval(poll);
          resolve(call.args);
        }
      }, 20);
    });
    expect(JSON.stringify(opened.view)).toContain('Disk full');
  });
});
