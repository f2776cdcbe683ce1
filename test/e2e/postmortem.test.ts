import { ACTION_IDS, INPUT_IDS, VIEW_IDS } from '../../src/slack/ids';
import { FakeStatuspage } from '../support/fake-atlassian-statuspage';
import { waitFor } from '../support/process';
import {
  checkboxValue,
  dateTimeValue,
  declareFormValues,
  selectValue,
  sendBlockAction,
  sendSlashCommand,
  sendViewSubmission,
  textValue,
  type ViewStateValues,
} from '../support/slack-requests';
import { startSlackWorld, type SlackWorld } from '../support/slack-e2e';

jest.setTimeout(90000);

/**
 * The seed incident (shared/seed/000_6f52e3a7a6d05877.txt) replayed at its own times, then its
 * postmortem written, published and exported through Slack requests only.
 */
const SEED = {
  title: 'SEI - Team Settings and Efficiency Insights Inaccessible',
  investigating:
    'On February 12-13, 2026, the Software Engineering Insights (SEI) module experienced a service disruption lasting approximately 3.5 hours.',
  monitoring: 'A fix has been implemented and we are monitoring the results.',
  summary:
    'Customers in the Prod2, Prod3, and EU production clusters experienced page load errors when accessing Team Settings, Efficiency Profiles, and Efficiency Insights during a limited window on February 12, 11:30 PM PST to February 13, 2:21 AM PST.\n\nNo customer data was lost.',
  rootCause:
    'During a production deployment, Harness team identified a process bug in the migration step. As a result, the application and database schema became temporarily out of sync.',
  impact:
    'The following functionalities were impacted during the incident window:\n\n• Team Settings\n• Efficiency Profiles\n• Efficiency Insights',
  notImpacted:
    'The following systems and capabilities remained fully operational:\n\n• Data ingestion and processing\n• Productivity Insights',
  remediation:
    'The issue was resolved by executing the required database migration procedure in the production environment.',
  internalNote: 'Ran the missing migration by hand in prod-eu1.',
  times: {
    investigating: new Date('2026-02-13T06:51:00Z'),
    identified: new Date('2026-02-13T07:15:00Z'),
    monitoring: new Date('2026-02-13T10:10:00Z'),
    resolved: new Date('2026-02-13T10:21:00Z'),
    impactStart: new Date('2026-02-13T07:30:00Z'),
    postmortem: new Date('2026-02-20T19:06:00Z'),
  },
};
const epoch = (date: Date) => Math.floor(date.getTime() / 1000);

type Block = {
  block_id?: string;
  type: string;
  text?: { text: string };
  element?: { initial_value?: string; initial_date_time?: number };
};

describe('postmortem of the seed incident (real Bolt app, fake Slack, fake Statuspage)', () => {
  let world: SlackWorld;
  let statuspage: FakeStatuspage;
  let now = SEED.times.investigating;
  let channel = '';
  let incidentId = '';
  const apiKey = 'sp-test-key-0123456789';

  beforeAll(async () => {
    statuspage = await FakeStatuspage.start({ apiKey, pageId: 'page1234', components: ['cmpEU1'] });
    world = await startSlackWorld(
      'postmortem',
      {
        STATUSPAGE_API_KEY: apiKey,
        STATUSPAGE_PAGE_ID: 'page1234',
        STATUSPAGE_API_URL: statuspage.baseUrl,
        STATUSPAGE_COMPONENT_MAP: JSON.stringify({
          'Software Engineering Insights (SEI) / Prod Eu1': 'cmpEU1',
        }),
        STALE_UPDATE_INTERVALS: 'off',
      },
      {
        now: () => now,
        components: {
          groups: [
            { name: 'Software Engineering Insights (SEI)', components: ['Prod Eu1', 'Prod 2', 'Prod 3'] },
            { name: 'Core', components: ['Data ingestion and processing', 'Productivity Insights'] },
          ],
        },
      },
    );
  });
  afterAll(async () => {
    await world.close();
    await statuspage.close();
  });

  const command = (text: string, channelId = channel, userId = 'U0LEAD') =>
    sendSlashCommand(world.app.baseUrl, text, {
      channel_id: channelId,
      user_id: userId,
      response_url: world.fake.responseUrl(),
    });

  const lastOpenedView = async (count: number) => {
    const opened = await world.calls('views.open', count);
    return opened[count - 1]!.view as { callback_id: string; private_metadata: string; blocks: Block[] };
  };
  const block = (view: { blocks: Block[] }, id: string) => view.blocks.find((b) => b.block_id === id);

  const formValues = (fields: {
    start: Date | null;
    end: Date | null;
    actionItems?: string;
    summary?: string;
  }): ViewStateValues => ({
    [INPUT_IDS.pmImpactStart.block]: {
      [INPUT_IDS.pmImpactStart.action]: dateTimeValue(fields.start && epoch(fields.start)),
    },
    [INPUT_IDS.pmImpactEnd.block]: {
      [INPUT_IDS.pmImpactEnd.action]: dateTimeValue(fields.end && epoch(fields.end)),
    },
    [INPUT_IDS.pmSummary.block]: { [INPUT_IDS.pmSummary.action]: textValue(fields.summary ?? SEED.summary) },
    [INPUT_IDS.pmRootCause.block]: { [INPUT_IDS.pmRootCause.action]: textValue(SEED.rootCause) },
    [INPUT_IDS.pmImpact.block]: { [INPUT_IDS.pmImpact.action]: textValue(SEED.impact) },
    [INPUT_IDS.pmNotImpacted.block]: { [INPUT_IDS.pmNotImpacted.action]: textValue(SEED.notImpacted) },
    [INPUT_IDS.pmRemediation.block]: { [INPUT_IDS.pmRemediation.action]: textValue(SEED.remediation) },
    [INPUT_IDS.pmActionItems.block]: {
      [INPUT_IDS.pmActionItems.action]: textValue(fields.actionItems ?? ''),
    },
  });

  it('replays the incident from declaration to resolution', async () => {
    const components = await world.db.query<{ id: string; name: string }>(
      `SELECT c.id, c.name FROM "Component" c JOIN "ComponentGroup" g ON g.id = c."groupId"
        WHERE g.name LIKE 'Software%' ORDER BY c.position`,
    );
    await sendViewSubmission(world.app.baseUrl, {
      callbackId: VIEW_IDS.declare,
      viewId: 'V0SEED',
      userId: 'U0DECLARER',
      privateMetadata: JSON.stringify({ originChannelId: 'C0ONCALL' }),
      values: declareFormValues({
        title: SEED.title,
        summary: SEED.investigating,
        componentIds: components.map((c) => c.id),
      }),
    });
    channel = await waitFor(
      async () =>
        (
          await world.db.query<{ slackChannelId: string | null }>('SELECT "slackChannelId" FROM "Incident"')
        )[0]?.slackChannelId ?? undefined,
      10000,
      'incident channel',
    );
    incidentId = (await world.db.query<{ id: string }>('SELECT id FROM "Incident"'))[0]!.id;
    now = SEED.times.identified;
    await command('status identified');
    now = SEED.times.monitoring;
    const [{ version }] = (await world.db.query<{ version: number }>('SELECT version FROM "Incident"')) as [
      { version: number },
    ];
    await sendViewSubmission(world.app.baseUrl, {
      callbackId: VIEW_IDS.update,
      viewId: 'V0SEEDMON',
      userId: 'U0LEAD',
      privateMetadata: JSON.stringify({ incidentId, version }),
      values: {
        [INPUT_IDS.stage.block]: { [INPUT_IDS.stage.action]: selectValue('monitoring') },
        [INPUT_IDS.publicMessage.block]: { [INPUT_IDS.publicMessage.action]: textValue(SEED.monitoring) },
        [INPUT_IDS.internalNote.block]: { [INPUT_IDS.internalNote.action]: textValue(SEED.internalNote) },
        [INPUT_IDS.notify.block]: { [INPUT_IDS.notify.action]: checkboxValue(['notify']) },
      },
    });
    // The submission is stored before its ack and applied by a job: resolve only after it.
    expect(await world.submission('update', 'V0SEEDMON')).toMatchObject({ status: 'DONE' });
    now = SEED.times.resolved;
    expect(await (await command('resolve')).json()).toMatchObject({ text: 'Done: INC-1 is Resolved, SEV2.' });
    // Published on our page and on Statuspage before the postmortem starts.
    await waitFor(
      async () => {
        const [row] = await world.db.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM "IncidentUpdate" WHERE "publishedAt" IS NOT NULL',
        );
        const [incident] = await world.db.query<{ statuspageIncidentId: string | null }>(
          'SELECT "statuspageIncidentId" FROM "Incident"',
        );
        return row!.n === 4 && incident!.statuspageIncidentId ? true : undefined;
      },
      20000,
      'four published updates and the Statuspage incident',
    );
  });

  it('opens the postmortem modal prefilled from the timeline: impact window, components, updates', async () => {
    now = SEED.times.postmortem;
    const response = await command('postmortem');
    expect(response.status).toBe(200);
    const view = await lastOpenedView(1);
    expect(view.callback_id).toBe(VIEW_IDS.postmortem);
    expect(JSON.parse(view.private_metadata)).toEqual({ incidentId, version: null });
    expect(block(view, INPUT_IDS.pmImpactStart.block)?.element?.initial_date_time).toBe(
      epoch(SEED.times.investigating),
    );
    expect(block(view, INPUT_IDS.pmImpactEnd.block)?.element?.initial_date_time).toBe(
      epoch(SEED.times.resolved),
    );
    expect(block(view, INPUT_IDS.pmImpact.block)?.element?.initial_value).toBe(
      'The following were impacted during the incident window:\n\n• Prod Eu1 (Software Engineering Insights (SEI))\n• Prod 2 (Software Engineering Insights (SEI))\n• Prod 3 (Software Engineering Insights (SEI))',
    );
    expect(block(view, INPUT_IDS.pmNotImpacted.block)?.element?.initial_value).toBe(
      'The following remained fully operational:\n\n• Data ingestion and processing (Core)\n• Productivity Insights (Core)',
    );
    expect(block(view, INPUT_IDS.pmSummary.block)?.element?.initial_value).toBe(SEED.investigating);
    const text = JSON.stringify(view.blocks);
    expect(text).toContain(SEED.monitoring);
    expect(text).toContain('Time to resolve: 3h 30m');
    expect(text).not.toContain(SEED.internalNote);
  });

  it('refuses an impact that ends before it starts and bad action item lines, and saves nothing', async () => {
    const response = await sendViewSubmission(world.app.baseUrl, {
      callbackId: VIEW_IDS.postmortem,
      viewId: 'V0PMBAD',
      userId: 'U0LEAD',
      privateMetadata: JSON.stringify({ incidentId, version: null }),
      values: formValues({
        start: SEED.times.resolved,
        end: SEED.times.impactStart,
        actionItems:
          'Automate migrations | <@U0DBA> | 2026-03-15 | high\nNo owner here\nOld | <@U0DBA> | 2026-01-01',
      }),
    });
    expect(await response.json()).toEqual({
      response_action: 'errors',
      errors: {
        [INPUT_IDS.pmImpactEnd.block]: 'The impact cannot end before it started.',
        [INPUT_IDS.pmActionItems.block]:
          'Line 2: say who owns "No owner here": add | @owner. Line 3: the due date 2026-01-01 is in the past (today is 2026-02-20).',
      },
    });
    const unknown = await sendViewSubmission(world.app.baseUrl, {
      callbackId: VIEW_IDS.postmortem,
      viewId: 'V0PMGONE',
      userId: 'U0LEAD',
      privateMetadata: JSON.stringify({ incidentId: '00000000-0000-4000-8000-000000000000', version: null }),
      values: formValues({ start: SEED.times.impactStart, end: SEED.times.resolved }),
    });
    expect(await unknown.json()).toEqual({
      response_action: 'errors',
      errors: {
        [INPUT_IDS.pmSummary.block]:
          'This form is out of date or damaged. Close it and open a new one with /incident postmortem.',
      },
    });
    expect(await world.db.query('SELECT 1 FROM "Postmortem"')).toEqual([]);
    expect(await world.db.query('SELECT 1 FROM "ActionItem"')).toEqual([]);
  });

  it('saves the draft with its action items, posts it in the channel, and reopens it as saved', async () => {
    const submit = () =>
      sendViewSubmission(world.app.baseUrl, {
        callbackId: VIEW_IDS.postmortem,
        viewId: 'V0PMSAVE',
        userId: 'U0LEAD',
        privateMetadata: JSON.stringify({ incidentId, version: null }),
        values: formValues({
          start: SEED.times.impactStart,
          end: SEED.times.resolved,
          actionItems: [
            'Full Automation of Database Migrations | <@U0DBA|dba> | 2026-03-15 | high',
            'Functional Automation and Monitoring | <@U0QA> | 2026-03-31',
            'Strengthened Deployment Checkpoints | <@U0OPS> | | low',
          ].join('\n'),
        }),
      });
    const response = await submit();
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
    // Slack delivers it again (the first ack was late): accepted, nothing saved twice.
    const again = await submit();
    expect(again.status).toBe(200);
    expect(await again.text()).toBe('');
    const [saved] = await world.db.query<Record<string, unknown>>(
      'SELECT status, version, "impactStartedAt", "impactEndedAt", "rootCause" FROM "Postmortem"',
    );
    expect(saved).toEqual({
      status: 'DRAFT',
      version: 1,
      impactStartedAt: SEED.times.impactStart,
      impactEndedAt: SEED.times.resolved,
      rootCause: SEED.rootCause,
    });
    const items = await world.db.query<Record<string, unknown>>(
      'SELECT title, "ownerId", "dueAt", priority FROM "ActionItem" ORDER BY position',
    );
    expect(items).toEqual([
      {
        title: 'Full Automation of Database Migrations',
        ownerId: 'U0DBA',
        dueAt: new Date('2026-03-15T00:00:00Z'),
        priority: 'HIGH',
      },
      {
        title: 'Functional Automation and Monitoring',
        ownerId: 'U0QA',
        dueAt: new Date('2026-03-31T00:00:00Z'),
        priority: 'MEDIUM',
      },
      { title: 'Strengthened Deployment Checkpoints', ownerId: 'U0OPS', dueAt: null, priority: 'LOW' },
    ]);
    const [draft] = await world.calls(
      'chat.postMessage',
      1,
      (a) => a.channel === channel && String(a.text).startsWith('INC-1 postmortem (draft)'),
    );
    expect(JSON.stringify(draft!.blocks)).toContain(ACTION_IDS.publishPostmortem);
    expect(
      world.fake
        .callsTo('chat.postMessage')
        .filter(
          (c) => c.args.channel === channel && String(c.args.text).startsWith('INC-1 postmortem (draft)'),
        ),
    ).toHaveLength(1);

    // Reopening shows the saved draft, not the prefill.
    await command('postmortem');
    const view = await lastOpenedView(2);
    expect(JSON.parse(view.private_metadata)).toEqual({ incidentId, version: 1 });
    expect(block(view, INPUT_IDS.pmImpactStart.block)?.element?.initial_date_time).toBe(
      epoch(SEED.times.impactStart),
    );
    expect(block(view, INPUT_IDS.pmRootCause.block)?.element?.initial_value).toBe(SEED.rootCause);
    expect(block(view, INPUT_IDS.pmNotImpacted.block)?.element?.initial_value).toBe(SEED.notImpacted);
    expect(JSON.stringify(view.blocks)).toContain('Full Automation of Database Migrations');
  });

  it('refuses a save from a form opened before someone else saved', async () => {
    const response = await sendViewSubmission(world.app.baseUrl, {
      callbackId: VIEW_IDS.postmortem,
      viewId: 'V0PMSTALE',
      userId: 'U0OTHER',
      privateMetadata: JSON.stringify({ incidentId, version: null }),
      values: formValues({ start: SEED.times.impactStart, end: SEED.times.resolved, summary: 'Overwrite' }),
    });
    const body = (await response.json()) as { errors: Record<string, string> };
    expect(body.errors[INPUT_IDS.pmSummary.block]).toMatch(/Someone else saved this postmortem/);
    const [row] = await world.db.query<{ summary: string }>('SELECT summary FROM "Postmortem"');
    expect(row!.summary).toBe(SEED.summary);
  });

  it('publishes: status page HTML and JSON, the channel, and Atlassian Statuspage’s postmortem', async () => {
    const before = await fetch(`${world.app.baseUrl}/incidents/${incidentId}`);
    expect(await before.text()).not.toContain('Root Cause');
    const responseUrl = world.fake.responseUrl('PUBLISH');
    await sendBlockAction(world.app.baseUrl, {
      actionId: ACTION_IDS.publishPostmortem,
      value: incidentId,
      userId: 'U0LEAD',
      channelId: channel,
      responseUrl,
    });
    const reply = await waitFor(
      async () => world.fake.responses.find((r) => r.id === 'PUBLISH'),
      10000,
      'publish reply',
    );
    expect(String(reply.body.text)).toMatch(/^Publishing the postmortem\./);

    const html = await waitFor(
      async () => {
        const page = await (await fetch(`${world.app.baseUrl}/incidents/${incidentId}`)).text();
        return page.includes('Root Cause') ? page : undefined;
      },
      10000,
      'postmortem on the status page',
    );
    for (const heading of [
      'Summary',
      'Root Cause',
      'Impact',
      'Duration',
      'What was not impacted?',
      'Remediation',
      'Action Items',
    ])
      expect(html).toContain(`<h3>${heading}</h3>`);
    expect(html).toContain('February 13, 7:30 AM UTC – February 13, 10:21 AM UTC (about 3 hours)');
    expect(html).toContain('Full Automation of Database Migrations');
    expect(html).not.toContain('U0DBA');
    expect(html).not.toContain(SEED.internalNote);

    const json = await world.app.getJson('/api/v2/incidents.json');
    const [incident] = json.body.incidents as { postmortem_body: string; postmortem_published_at: string }[];
    expect(incident!.postmortem_body).toContain('## Root Cause\n\n' + SEED.rootCause);
    expect(incident!.postmortem_published_at).toBe(SEED.times.postmortem.toISOString());
    expect(JSON.stringify(json.body)).not.toContain(SEED.internalNote);

    await world.calls(
      'chat.postMessage',
      1,
      (a) => a.channel === channel && String(a.text).startsWith('INC-1 postmortem (published)'),
    );
    const onStatuspage = await waitFor(
      async () => {
        const found = [...statuspage.incidents.values()][0];
        return found?.postmortem?.publishedAt ? found : undefined;
      },
      20000,
      'postmortem published on Statuspage',
    );
    expect(onStatuspage.postmortem!.bodyDraft).toContain(
      '## Duration\n\nFebruary 13, 7:30 AM UTC – February 13, 10:21 AM UTC (about 3 hours)',
    );
    expect(onStatuspage.postmortem!.bodyDraft).not.toContain(SEED.internalNote);
    expect(onStatuspage.postmortem!.bodyDraft).not.toContain('U0DBA');
    await waitFor(
      async () =>
        (
          await world.db.query<{ at: Date | null }>('SELECT "statuspagePublishedAt" AS at FROM "Postmortem"')
        )[0]?.at ?? undefined,
      10000,
      'statuspagePublishedAt',
    );
    const [row] = await world.db.query<{ status: string }>('SELECT status FROM "Postmortem"');
    expect(row!.status).toBe('PUBLISHED');
  });

  it('exports the report as a markdown file that reads like the seed report', async () => {
    await command('postmortem export');
    const [complete] = await world.calls('files.completeUploadExternal');
    expect(complete!.channel_id).toBe(channel);
    const [file] = world.fake.files();
    expect(file).toMatchObject({ filename: 'inc-1-postmortem.md', title: 'INC-1 postmortem', channel });
    const markdown = file!.content!;
    const headings = [...markdown.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(headings).toEqual([
      'Summary',
      'Root Cause',
      'Impact',
      'Duration',
      'What was not impacted?',
      'Remediation',
      'Action Items',
      'Response times',
      'Public updates',
    ]);
    expect(markdown).toContain(`# INC-1: ${SEED.title}`);
    expect(markdown).toContain('February 13, 7:30 AM UTC – February 13, 10:21 AM UTC (about 3 hours)');
    expect(markdown).toContain(
      '1. Full Automation of Database Migrations (owner <@U0DBA>, due 2026-03-15, high priority, open)',
    );
    expect(markdown).toContain('The incident was open for about 3.5 hours, from declaration to resolution.');
    expect(markdown).toContain('- Time to identify: 24m');
    expect(markdown).toContain('- Time to resolve: 3h 30m');
    expect(markdown).toContain('- Impact duration: 2h 51m');
    expect(markdown).toContain(`- Investigating, Feb 13, 2026 - 06:51 UTC: ${SEED.investigating}`);
    expect(markdown).not.toContain(SEED.internalNote);
  });

  it('posts the markdown as a message when Slack refuses the upload', async () => {
    world.fake.failNext('files.getUploadURLExternal', 'missing_scope');
    await command('postmortem export');
    const [posted] = await world.calls(
      'chat.postMessage',
      1,
      (a) => a.channel === channel && String(a.text).startsWith('INC-1 postmortem (markdown):'),
    );
    expect(String(posted!.text)).toContain('## Root Cause');
    expect(world.fake.files()).toHaveLength(1);
  });

  it('answers /incident stats and exports the medians on /metrics', async () => {
    const stats = (await (await command('stats 30', 'C0ONCALL')).json()) as { text: string };
    expect(stats.text).toContain('*Incidents declared in the last 30 days: 1*');
    expect(stats.text).toContain(
      '• *SEV2*: 1 incident · identify 24m (1) · mitigate 3h 19m (1) · resolve 3h 30m (1) · impact 2h 51m (1)',
    );
    expect(stats.text).toContain('• *SEV1*: none');
    const bad = (await (await command('stats forever', 'C0ONCALL')).json()) as { text: string };
    expect(bad.text).toMatch(/Give a number of days from 1 to 365/);
    const metrics = await (await fetch(`${world.app.baseUrl}/metrics`)).text();
    expect(metrics).toContain('sitrep_incident_median_seconds{severity="SEV2",measure="resolve"} 12600');
    expect(metrics).toContain('sitrep_incident_median_seconds{severity="SEV2",measure="impact"} 10260');
    expect(metrics).toContain('sitrep_incidents_declared_recent{severity="SEV2"} 1');
  });

  it('keeps a private incident’s postmortem off every public route', async () => {
    await sendViewSubmission(world.app.baseUrl, {
      callbackId: VIEW_IDS.declare,
      viewId: 'V0PRIVATE',
      userId: 'U0LEAD',
      privateMetadata: JSON.stringify({ originChannelId: 'C0ONCALL' }),
      values: declareFormValues({ title: 'Secret payroll outage', summary: 'Hush.', isPrivate: true }),
    });
    const [secret] = await waitFor(
      async () => {
        const rows = await world.db.query<{ id: string; slackChannelId: string | null }>(
          `SELECT id, "slackChannelId" FROM "Incident" WHERE "isPrivate"`,
        );
        return rows[0]?.slackChannelId ? rows : undefined;
      },
      10000,
      'private incident channel',
    );
    await command('resolve', secret!.slackChannelId!);
    await sendViewSubmission(world.app.baseUrl, {
      callbackId: VIEW_IDS.postmortem,
      viewId: 'V0PMPRIV',
      userId: 'U0LEAD',
      privateMetadata: JSON.stringify({ incidentId: secret!.id, version: null }),
      values: formValues({
        start: SEED.times.impactStart,
        end: SEED.times.resolved,
        summary: 'Secret summary',
      }),
    });
    const published = await (await command('postmortem publish', secret!.slackChannelId!)).status;
    expect(published).toBe(200);
    const reply = await waitFor(
      async () => world.fake.responses.find((r) => String(r.body.text).includes('is private')),
      10000,
      'refusal',
    );
    expect(String(reply.body.text)).toContain('INC-2 is private');
    for (const route of [
      '/',
      '/history',
      '/api/v2/incidents.json',
      '/history.atom',
      `/incidents/${secret!.id}`,
    ]) {
      const body = await (await fetch(`${world.app.baseUrl}${route}`)).text();
      expect(body).not.toContain('Secret summary');
      expect(body).not.toContain('Secret payroll');
    }
  });
});
