import path from 'node:path';
import { loadComponentsFile } from '../../src/config/components-file';
import { VIEW_IDS } from '../../src/slack/ids';
import { FakeStatuspage } from '../support/fake-atlassian-statuspage';
import { waitFor } from '../support/process';
import { declareFormValues, sendSlashCommand, sendViewSubmission } from '../support/slack-requests';
import { startSlackWorld, type SlackWorld } from '../support/slack-e2e';

jest.setTimeout(60000);

describe('publishing to Atlassian Statuspage as well (fake Statuspage REST API)', () => {
  let world: SlackWorld;
  let statuspage: FakeStatuspage;
  const apiKey = 'sp-test-key-0123456789';

  beforeAll(async () => {
    statuspage = await FakeStatuspage.start({ apiKey, pageId: 'page1234', components: ['cmpEU1', 'cmpP2'] });
    world = await startSlackWorld(
      'atlassian',
      {
        STATUSPAGE_API_KEY: apiKey,
        STATUSPAGE_PAGE_ID: 'page1234',
        STATUSPAGE_API_URL: statuspage.baseUrl,
        // Prod 3 is deliberately left out of the map.
        STATUSPAGE_COMPONENT_MAP: JSON.stringify({
          'Software Engineering Insights (SEI) / Prod Eu1': 'cmpEU1',
          'Software Engineering Insights (SEI) / Prod 2': 'cmpP2',
        }),
      },
      { components: loadComponentsFile(path.join(__dirname, '..', '..', 'components.example.yml')) },
    );
  });
  afterAll(async () => {
    await world.close();
    await statuspage.close();
  });

  it('creates the incident there on declaration, updates it on resolve, at most one request a second', async () => {
    const components = await world.db.query<{ id: string }>('SELECT id FROM "Component" ORDER BY position');
    await sendViewSubmission(world.app.baseUrl, {
      callbackId: VIEW_IDS.declare,
      viewId: 'V0ATL',
      privateMetadata: JSON.stringify({ originChannelId: null }),
      values: declareFormValues({
        title: 'SEI pages fail',
        summary: 'We are looking into it.',
        componentIds: components.map((c) => c.id),
      }),
    });
    const created = await waitFor(
      async () => [...statuspage.incidents.values()][0],
      15000,
      'incident on Statuspage',
    );
    expect(created).toMatchObject({
      name: 'SEI pages fail',
      status: 'investigating',
      components: { cmpEU1: 'partial_outage', cmpP2: 'partial_outage' },
    });
    const channel = await waitFor(
      async () => {
        const [row] = await world.db.query<{ slackChannelId: string | null }>(
          'SELECT "slackChannelId" FROM "Incident"',
        );
        return row?.slackChannelId ?? undefined;
      },
      10000,
      'channel',
    );
    await sendSlashCommand(world.app.baseUrl, 'resolve', { channel_id: channel });
    const resolved = await waitFor(
      async () =>
        [...statuspage.incidents.values()][0]?.status === 'resolved'
          ? [...statuspage.incidents.values()][0]
          : undefined,
      15000,
      'resolved on Statuspage',
    );
    expect(statuspage.incidents.size).toBe(1);
    expect(resolved!.components).toEqual({ cmpEU1: 'operational', cmpP2: 'operational' });
    expect(resolved!.updates.map((u) => u.body)).toEqual([
      'We are looking into it.',
      'This incident has been resolved.',
    ]);
    const times = statuspage.requests.map((r) => r.at);
    for (let i = 1; i < times.length; i += 1) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(950);
    expect(statuspage.requests.every((r) => r.status < 300)).toBe(true);
    const [row] = await world.db.query<{ statuspageIncidentId: string }>(
      'SELECT "statuspageIncidentId" FROM "Incident"',
    );
    expect(row!.statuspageIncidentId).toBe(resolved!.id);
    expect(world.app.logs.text()).not.toContain(apiKey);
    expect(world.app.logs.entries().some((e) => e.event === 'statuspage_unmapped_components')).toBe(true);
  });
});
