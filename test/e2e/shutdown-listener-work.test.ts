import { VIEW_IDS } from '../../src/slack/ids';
import { waitFor } from '../support/process';
import { declareFormValues, sendSlashCommand, sendViewSubmission } from '../support/slack-requests';
import { startSlackWorld, type SlackWorld } from '../support/slack-e2e';

jest.setTimeout(60000);

/**
 * Listeners answer Slack first and go on working after the ack (here `/incident timeline`:
 * ack, read the timeline, reply through the response_url). Shutdown waits for that work instead
 * of closing the pool and queues under it, but not for longer than Slack itself would wait.
 */
describe('shutdown and listener work after the ack', () => {
  let world: SlackWorld;
  beforeEach(async () => {
    world = await startSlackWorld('shutdown-listeners');
  });
  afterEach(async () => world.close());

  async function declaredChannel(): Promise<string> {
    const response = await sendViewSubmission(world.app.baseUrl, {
      callbackId: VIEW_IDS.declare,
      viewId: 'V0SHUTDOWN',
      privateMetadata: JSON.stringify({ originChannelId: null }),
      values: declareFormValues({ title: 'Checkout errors', severity: 'SEV2' }),
    });
    expect(response.status).toBe(200);
    return waitFor(
      async () => {
        const [row] = await world.db.query<{ slackChannelId: string | null }>(
          'SELECT "slackChannelId" FROM "Incident" WHERE "idempotencyKey" = $1',
          ['view:V0SHUTDOWN'],
        );
        return row?.slackChannelId ?? undefined;
      },
      10000,
      'the incident channel',
    );
  }

  async function timelineCommand(channel: string, replyId: string): Promise<void> {
    const response = await sendSlashCommand(world.app.baseUrl, 'timeline', {
      channel_id: channel,
      response_url: world.fake.responseUrl(replyId),
    });
    expect(response.status).toBe(200);
  }

  it('finishes a reply that is still on its way when the process is told to stop', async () => {
    const channel = await declaredChannel();
    world.fake.delay('response_url', 1000);
    await timelineCommand(channel, 'late-timeline');
    expect(world.fake.responses.find((r) => r.id === 'late-timeline')).toBeUndefined();

    await world.app.stop();

    // Stopped means finished: the reply has landed, nothing is left running.
    const reply = world.fake.responses.find((r) => r.id === 'late-timeline');
    expect(JSON.stringify(reply?.body)).toContain('INC-1 timeline');
    expect(world.app.logs.entries().filter((entry) => entry.event === 'listener_work_abandoned')).toEqual([]);
  });

  it('stops without listener work that outlasts Slack’s 3 s, and says so', async () => {
    const channel = await declaredChannel();
    world.fake.delay('response_url', 20000);
    await timelineCommand(channel, 'stuck-timeline');

    const started = Date.now();
    await world.app.stop();
    const tookMs = Date.now() - started;

    expect(tookMs).toBeLessThan(10000);
    const abandoned = world.app.logs.entries().filter((entry) => entry.event === 'listener_work_abandoned');
    expect(abandoned).toEqual([expect.objectContaining({ level: 'warn', inFlight: 1 })]);
  });
});
