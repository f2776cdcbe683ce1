import path from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import { QUEUE_NAMES } from '../../src/jobs/queues';
import { REDIS_URL } from '../support/database';
import { loadComponentsFile } from '../../src/config/components-file';
import {
  incidentsSchema,
  summarySchema,
  unresolvedIncidentsSchema,
} from '../../src/statuspage/render/schemas';
import { INPUT_IDS, VIEW_IDS } from '../../src/slack/ids';
import { waitFor } from '../support/process';
import {
  checkboxValue,
  declareFormValues,
  selectValue,
  sendSlashCommand,
  sendViewSubmission,
  textValue,
} from '../support/slack-requests';
import { startSlackWorld, type SlackWorld } from '../support/slack-e2e';

jest.setTimeout(60000);

describe('public status page fed by Slack updates (real pipeline: outbox → BullMQ → publish → page)', () => {
  let world: SlackWorld;
  let now = new Date('2026-02-13T06:51:00Z');
  let incidentId = '';
  let channel = '';

  beforeAll(async () => {
    const components = loadComponentsFile(path.join(__dirname, '..', '..', 'components.example.yml'));
    world = await startSlackWorld(
      'statuspage',
      { STATUS_PAGE_TIMEZONE: 'America/Los_Angeles', STATUS_PAGE_TITLE: 'Harness' },
      { components, now: () => now },
    );
  });
  afterAll(async () => world.close());

  const publishedCount = async () =>
    Number(
      (
        await world.db.query<{ n: string }>(
          'SELECT count(*) AS n FROM "IncidentUpdate" WHERE "publishedAt" IS NOT NULL',
        )
      )[0]!.n,
    );
  const getText = async (p: string) => (await fetch(`${world.app.baseUrl}${p}`)).text();
  /** What a reader sees: the page without its tags. */
  const textOf = (html: string) => html.replace(/<[^>]+>/g, '');

  async function declare(title: string, viewId: string, isPrivate: boolean) {
    const rows = await world.db.query<{ id: string }>('SELECT id FROM "Component" ORDER BY position');
    await sendViewSubmission(world.app.baseUrl, {
      callbackId: VIEW_IDS.declare,
      viewId,
      privateMetadata: JSON.stringify({ originChannelId: null }),
      values: declareFormValues({
        title,
        summary: 'Pages <script>alert(1)</script> & errors.',
        componentIds: rows.map((r) => r.id),
        isPrivate,
      }),
    });
    await world.submission('declare', viewId);
    const [row] = await world.db.query<{ id: string }>(
      'SELECT id FROM "Incident" WHERE "idempotencyKey" = $1',
      [`view:${viewId}`],
    );
    return row!.id;
  }

  it('publishes the declaration and shows it on the page, the JSON API and the feeds', async () => {
    incidentId = await declare('SEI <Team> Settings & Insights', 'V0PUB', false);
    await waitFor(
      async () => ((await publishedCount()) === 1 ? true : undefined),
      10000,
      'first publication',
    );
    channel = await waitFor(
      async () => {
        const [row] = await world.db.query<{ slackChannelId: string | null }>(
          'SELECT "slackChannelId" FROM "Incident" WHERE id = $1',
          [incidentId],
        );
        return row?.slackChannelId ?? undefined;
      },
      10000,
      'channel',
    );

    const summary = summarySchema.parse(JSON.parse(await getText('/api/v2/summary.json')));
    expect(summary.page).toMatchObject({ name: 'Harness', time_zone: 'America/Los_Angeles' });
    expect(summary.status.indicator).toBe('major');
    expect(summary.incidents.map((i) => [i.name, i.status, i.impact])).toEqual([
      ['SEI <Team> Settings & Insights', 'investigating', 'major'],
    ]);
    const page = await getText(`/incidents/${incidentId}`);
    expect(page).toContain('SEI &lt;Team&gt; Settings &amp; Insights');
    expect(page).not.toContain('<script>alert(1)</script>');
    expect(textOf(page)).toContain('Posted Feb 12, 2026 - 22:51 PST');
    expect(textOf(page)).toContain(
      'This incident affected: Prod Eu1 (Software Engineering Insights (SEI)), Prod 2 (Software Engineering Insights (SEI)), and Prod 3 (Software Engineering Insights (SEI)).',
    );
    expect(await getText('/history.atom')).toContain('SEI &lt;Team&gt; Settings &amp; Insights');
  });

  it('keeps private incidents and internal notes off every public route', async () => {
    await declare('Private payroll outage', 'V0PRIV', true);
    now = new Date('2026-02-13T07:15:00Z');
    await sendSlashCommand(world.app.baseUrl, 'status identified', { channel_id: channel });
    await waitFor(
      async () => ((await publishedCount()) === 2 ? true : undefined),
      10000,
      'second publication',
    );
    const [row] = await world.db.query<{ id: string; version: number }>(
      'SELECT id, version FROM "Incident" WHERE id = $1',
      [incidentId],
    );
    now = new Date('2026-02-13T10:10:00Z');
    await sendViewSubmission(world.app.baseUrl, {
      callbackId: VIEW_IDS.update,
      viewId: 'V0PUBMON',
      privateMetadata: JSON.stringify({ incidentId: row!.id, version: row!.version }),
      values: {
        [INPUT_IDS.stage.block]: { [INPUT_IDS.stage.action]: selectValue('monitoring') },
        [INPUT_IDS.publicMessage.block]: {
          [INPUT_IDS.publicMessage.action]: textValue('A fix has been implemented.'),
        },
        [INPUT_IDS.internalNote.block]: { [INPUT_IDS.internalNote.action]: textValue('TOP-SECRET-NOTE') },
        [INPUT_IDS.notify.block]: { [INPUT_IDS.notify.action]: checkboxValue(['notify']) },
      },
    });
    await world.submission('update', 'V0PUBMON');
    await waitFor(
      async () => ((await publishedCount()) === 3 ? true : undefined),
      10000,
      'third publication',
    );
    await new Promise((resolve) => setTimeout(resolve, 1100)); // the page re-checks its fingerprint once a second
    const everything = (
      await Promise.all(
        [
          '/',
          '/history',
          '/history.atom',
          '/history.rss',
          '/api/v2/summary.json',
          '/api/v2/incidents.json',
          `/incidents/${incidentId}`,
        ].map(getText),
      )
    ).join('\n');
    expect(everything).toContain('A fix has been implemented.');
    expect(everything).not.toContain('TOP-SECRET-NOTE');
    expect(everything).not.toContain('payroll');
    const incidents = incidentsSchema.parse(JSON.parse(await getText('/api/v2/incidents.json')));
    expect(incidents.incidents[0]!.incident_updates.map((u) => u.status)).toEqual([
      'monitoring',
      'identified',
      'investigating',
    ]);
    expect(
      unresolvedIncidentsSchema.parse(JSON.parse(await getText('/api/v2/incidents/unresolved.json')))
        .incidents,
    ).toHaveLength(1);
  });

  it('confirms each publication in the incident channel with a link to the public page', async () => {
    const confirmations = await world.calls(
      'chat.postMessage',
      2,
      (a) => a.channel === channel && String(a.text).includes('published on the status page'),
    );
    expect(String(confirmations[0]!.text)).toContain(`/incidents/${incidentId}`);
  });

  it('answers conditional requests with 304 and serves unknown incidents a 404', async () => {
    const first = await fetch(`${world.app.baseUrl}/api/v2/summary.json`);
    const etag = first.headers.get('etag')!;
    expect(first.headers.get('cache-control')).toMatch(/max-age=/);
    const again = await fetch(`${world.app.baseUrl}/api/v2/summary.json`, {
      headers: { 'if-none-match': etag },
    });
    expect(again.status).toBe(304);
    expect((await fetch(`${world.app.baseUrl}/incidents/00000000-0000-4000-8000-000000000000`)).status).toBe(
      404,
    );
  });

  it('publishes each update once even when its job runs again', async () => {
    const before = await publishedCount();
    const rows = await world.db.query<{ id: string }>(
      `SELECT id FROM "OutboxMessage" WHERE topic = 'statuspage.publish'`,
    );
    const queue = new Queue(QUEUE_NAMES.statuspage, {
      connection: { url: REDIS_URL },
      prefix: world.app.config.redisPrefix,
    });
    try {
      const events = new QueueEvents(QUEUE_NAMES.statuspage, {
        connection: { url: REDIS_URL },
        prefix: world.app.config.redisPrefix,
      });
      await events.waitUntilReady();
      try {
        // A second job for every row, as a relay restart or a second relay could produce.
        const jobs = await Promise.all(
          rows.map((row) =>
            queue.add('statuspage.publish', { outboxId: row.id }, { jobId: `again-${row.id}` }),
          ),
        );
        const results = await Promise.all(jobs.map((job) => job.waitUntilFinished(events, 10000)));
        expect(results).toEqual(rows.map(() => 'already done'));
      } finally {
        await events.close();
      }
    } finally {
      await queue.close();
    }
    expect(await publishedCount()).toBe(before);
    const incidents = incidentsSchema.parse(JSON.parse(await getText('/api/v2/incidents.json')));
    expect(incidents.incidents[0]!.incident_updates).toHaveLength(3);
  });

  it('fails a publication that can never succeed at once and says so in the incident channel', async () => {
    const [row] = await world.db.query<{ id: string }>(
      `INSERT INTO "OutboxMessage" (id, topic, "aggregateId", payload, status)
       VALUES (gen_random_uuid(), 'statuspage.publish', $1, '{"v":1,"incidentId":"not-a-uuid"}', 'PENDING') RETURNING id`,
      [incidentId],
    );
    const [failed] = await waitFor(
      async () => {
        const rows = await world.db.query<{ status: string; attempts: number; lastError: string }>(
          'SELECT status, attempts, "lastError" FROM "OutboxMessage" WHERE id = $1',
          [row!.id],
        );
        return rows[0]?.status === 'FAILED' ? rows : undefined;
      },
      10000,
      'invalid row failed',
    );
    expect(failed!.attempts).toBe(1);
    const [warning] = await world.calls(
      'chat.postMessage',
      1,
      (a) => a.channel === channel && String(a.text).startsWith(':warning:'),
    );
    expect(String(warning!.text)).toContain('could not be published on the status page');
  });
});
