import { VIEW_IDS } from '../../src/slack/ids';
import { waitFor } from '../support/process';
import { declareFormValues, sendSlashCommand, sendViewSubmission } from '../support/slack-requests';
import { startSlackWorld, type SlackWorld } from '../support/slack-e2e';

jest.setTimeout(60000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('stale-incident nudges through the job scheduler (2 s intervals, real clock)', () => {
  let world: SlackWorld;
  beforeAll(async () => {
    world = await startSlackWorld('nudges', { STALE_UPDATE_INTERVALS: 'SEV1=2s,SEV2=2s,SEV3=2s,SEV4=2s' });
  });
  afterAll(async () => world.close());

  it('nudges the lead in the channel while the incident is quiet, once per period, and never after it is resolved', async () => {
    await sendViewSubmission(world.app.baseUrl, {
      callbackId: VIEW_IDS.declare,
      viewId: 'V0QUIET',
      privateMetadata: JSON.stringify({ originChannelId: 'C0GENERAL' }),
      values: declareFormValues({ title: 'Quiet incident', leadId: 'U0LEAD' }),
    });
    const channel = await waitFor(
      async () =>
        (
          await world.db.query<{ slackChannelId: string | null }>('SELECT "slackChannelId" FROM "Incident"')
        )[0]?.slackChannelId ?? undefined,
      10000,
      'incident channel',
    );
    const nudges = () => world.fake.messagesIn(channel).filter((m) => m.text.includes('has had no update'));
    await waitFor(async () => (nudges().length > 0 ? true : undefined), 10000, 'a nudge');
    expect(nudges()[0]!.text).toMatch(
      /^:hourglass_flowing_sand: <@U0LEAD> INC-1 \(SEV2\) has had no update for /,
    );

    const resolved = await sendSlashCommand(world.app.baseUrl, 'resolve', {
      channel_id: channel,
      response_url: world.fake.responseUrl(),
    });
    expect(await resolved.json()).toMatchObject({ text: 'Done: INC-1 is Resolved, SEV2.' });
    // A check already running when the resolution landed may still finish its post.
    await sleep(1500);
    const afterResolve = nudges().length;
    await sleep(4500); // more than two intervals
    expect(nudges()).toHaveLength(afterResolve);

    const rows = await world.db.query<{ periodStartedAt: Date }>(
      'SELECT "periodStartedAt" FROM "StaleNudge" ORDER BY "periodStartedAt"',
    );
    expect(rows).toHaveLength(afterResolve);
    const periods = rows.map((r) => r.periodStartedAt.getTime());
    expect(new Set(periods).size).toBe(periods.length);
    // Periods are whole intervals after the last update (a busy machine may skip one, never split one).
    for (let i = 1; i < periods.length; i += 1) expect((periods[i]! - periods[i - 1]!) % 2000).toBe(0);
  });
});
