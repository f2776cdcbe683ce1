import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadComponentsFile } from '../../src/config/components-file';
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
import { ANNOUNCEMENTS_CHANNEL, startSlackWorld, type SlackWorld } from '../support/slack-e2e';

jest.setTimeout(60000);

/**
 * The incident Sitrep was born from (shared/seed/000_6f52e3a7a6d05877.txt), run again from
 * declaration to resolution through Slack requests only, at the report's own times.
 */
const SEED = {
  title: 'SEI - Team Settings and Efficiency Insights Inaccessible',
  investigating:
    'On February 12-13, 2026, the Software Engineering Insights (SEI) module experienced a service disruption lasting approximately 3.5 hours. During this period, users were unable to access team settings, efficiency profiles, and efficiency insights features.',
  identified: 'The issue has been identified and a fix is being implemented.',
  monitoring: 'A fix has been implemented and we are monitoring the results.',
  resolved: 'This incident has been resolved.',
  // "Posted Feb 12, 2026 - 22:51 PST" and so on, in UTC.
  times: {
    investigating: new Date('2026-02-13T06:51:00Z'),
    identified: new Date('2026-02-13T07:15:00Z'),
    monitoring: new Date('2026-02-13T10:10:00Z'),
    resolved: new Date('2026-02-13T10:21:00Z'),
  },
};

describe('replaying the seed incident through Slack', () => {
  let world: SlackWorld;
  let now = SEED.times.investigating;
  const components = loadComponentsFile(path.join(__dirname, '..', '..', 'components.example.yml'));

  beforeAll(async () => {
    world = await startSlackWorld('seed', {}, { components, now: () => now });
  });
  afterAll(async () => world.close());

  const command = (text: string, channelId: string) =>
    sendSlashCommand(world.app.baseUrl, text, {
      channel_id: channelId,
      user_id: 'U0DECLARER',
      response_url: world.fake.responseUrl(),
    });

  it('runs from declaration to resolution and leaves the record the report was written from', async () => {
    expect(
      readFileSync(
        path.join(__dirname, '..', '..', '..', 'shared', 'seed', '000_6f52e3a7a6d05877.txt'),
        'utf8',
      ),
    ).toContain(SEED.identified);

    // 22:51 PST: declare, with the SEI component in all three clusters.
    await command(`declare ${SEED.title}`, 'C0ONCALL');
    const [open] = await world.calls('views.open');
    const view = open!.view as {
      blocks: {
        block_id: string;
        element: { option_groups?: { label: { text: string }; options: { value: string }[] }[] };
      }[];
    };
    const groups = view.blocks.find((b) => b.block_id === INPUT_IDS.components.block)!.element.option_groups!;
    expect(groups.map((g) => g.label.text)).toEqual(['Software Engineering Insights (SEI)']);
    expect(groups[0]!.options.map((o) => (o as unknown as { text: { text: string } }).text.text)).toEqual([
      'Prod Eu1',
      'Prod 2',
      'Prod 3',
    ]);
    const componentIds = groups.flatMap((g) => g.options.map((o) => o.value));
    const declared = await sendViewSubmission(world.app.baseUrl, {
      callbackId: VIEW_IDS.declare,
      viewId: 'V0SEED',
      userId: 'U0DECLARER',
      privateMetadata: JSON.stringify({ originChannelId: 'C0ONCALL' }),
      values: declareFormValues({ title: SEED.title, summary: SEED.investigating, componentIds }),
    });
    expect(declared.status).toBe(200);
    expect(await world.submission('declare', 'V0SEED')).toEqual({ status: 'DONE', lastError: null });
    const [created] = await world.calls('conversations.create');
    expect(created!.name).toBe('inc-1-sei-team-settings-and-efficiency-insights-inaccessible');
    const channel = await waitFor(
      async () => {
        const [row] = await world.db.query<{ slackChannelId: string | null }>(
          'SELECT "slackChannelId" FROM "Incident"',
        );
        return row?.slackChannelId ?? undefined;
      },
      10000,
      'incident channel',
    );

    // 23:15 PST: identified, with the standard message.
    now = SEED.times.identified;
    expect(await (await command('status identified', channel)).json()).toMatchObject({
      text: 'Done: INC-1 is Identified, SEV2.',
    });

    // 02:10 PST: monitoring, through the update modal.
    now = SEED.times.monitoring;
    const [incident] = await world.db.query<{ id: string; version: number }>(
      'SELECT id, version FROM "Incident"',
    );
    await sendViewSubmission(world.app.baseUrl, {
      callbackId: VIEW_IDS.update,
      viewId: 'V0SEEDMON',
      userId: 'U0LEAD',
      privateMetadata: JSON.stringify({ incidentId: incident!.id, version: incident!.version }),
      values: {
        [INPUT_IDS.stage.block]: { [INPUT_IDS.stage.action]: selectValue('monitoring') },
        [INPUT_IDS.publicMessage.block]: { [INPUT_IDS.publicMessage.action]: textValue(SEED.monitoring) },
        [INPUT_IDS.internalNote.block]: {
          [INPUT_IDS.internalNote.action]: textValue('Ran the missing migration in prod.'),
        },
        [INPUT_IDS.notify.block]: { [INPUT_IDS.notify.action]: checkboxValue(['notify']) },
      },
    });
    expect(await world.submission('update', 'V0SEEDMON')).toEqual({ status: 'DONE', lastError: null });

    // 02:21 PST: resolved.
    now = SEED.times.resolved;
    expect(await (await command('resolve', channel)).json()).toMatchObject({
      text: 'Done: INC-1 is Resolved, SEV2.',
    });

    // The record: four public updates with the report's texts and times, newest last.
    const updates = await world.db.query<{
      status: string;
      publicMessage: string;
      postedAt: Date;
      internalNote: string | null;
    }>(
      'SELECT status, "publicMessage", "postedAt", "internalNote" FROM "IncidentUpdate" ORDER BY "postedAt"',
    );
    expect(updates.map((u) => [u.status, u.publicMessage, u.postedAt.toISOString()])).toEqual([
      ['INVESTIGATING', SEED.investigating, SEED.times.investigating.toISOString()],
      ['IDENTIFIED', SEED.identified, SEED.times.identified.toISOString()],
      ['MONITORING', SEED.monitoring, SEED.times.monitoring.toISOString()],
      ['RESOLVED', SEED.resolved, SEED.times.resolved.toISOString()],
    ]);
    const [stored] = await world.db.query<Record<string, Date | string>>(
      'SELECT status, "declaredAt", "identifiedAt", "monitoringAt", "resolvedAt", "impactStartedAt", "impactEndedAt" FROM "Incident"',
    );
    expect(stored).toEqual({
      status: 'RESOLVED',
      declaredAt: SEED.times.investigating,
      identifiedAt: SEED.times.identified,
      monitoringAt: SEED.times.monitoring,
      resolvedAt: SEED.times.resolved,
      impactStartedAt: SEED.times.investigating,
      impactEndedAt: SEED.times.resolved,
    });
    const affected = await world.db.query<{ group: string; name: string }>(
      `SELECT g.name AS "group", c.name FROM "IncidentComponent" ic JOIN "Component" c ON c.id = ic."componentId"
         JOIN "ComponentGroup" g ON g.id = c."groupId" ORDER BY c.position`,
    );
    expect(affected).toEqual([
      { group: 'Software Engineering Insights (SEI)', name: 'Prod Eu1' },
      { group: 'Software Engineering Insights (SEI)', name: 'Prod 2' },
      { group: 'Software Engineering Insights (SEI)', name: 'Prod 3' },
    ]);

    // The timeline, in order.
    const timeline = await world.db.query<{ kind: string; text: string; occurredAt: Date }>(
      'SELECT kind, text, "occurredAt" FROM "TimelineEvent" ORDER BY "occurredAt", kind',
    );
    expect(timeline.map((t) => [t.kind, t.text, t.occurredAt.toISOString()])).toEqual([
      ['declared', `Declared SEV2: ${SEED.title}`, SEED.times.investigating.toISOString()],
      ['stage_changed', 'Investigating → Identified', SEED.times.identified.toISOString()],
      ['stage_changed', 'Identified → Monitoring', SEED.times.monitoring.toISOString()],
      ['stage_changed', 'Monitoring → Resolved', SEED.times.resolved.toISOString()],
    ]);

    // The outbox: one status page publication per public update, plus the Slack work, all Slack work done.
    // Rows written in one transaction can share a millisecond; their topics sort in the order written.
    const outbox = await waitFor(
      async () => {
        const rows = await world.db.query<{ topic: string; status: string }>(
          'SELECT topic, status FROM "OutboxMessage" ORDER BY "createdAt", topic',
        );
        return rows.filter((r) => r.topic.startsWith('slack.')).every((r) => r.status === 'DONE')
          ? rows
          : undefined;
      },
      10000,
      'Slack outbox rows done',
    );
    // The two modal submissions were stored before their acks and carried out by jobs.
    // The announcement has its own row (its own job), written first in the declaration's transaction.
    expect(outbox.map((r) => r.topic)).toEqual([
      'incident.declare_requested',
      'slack.incident_announced',
      'slack.incident_declared',
      'statuspage.publish',
      'slack.update_posted',
      'slack.update_threaded',
      'statuspage.publish',
      'incident.update_requested',
      'slack.update_posted',
      'slack.update_threaded',
      'statuspage.publish',
      'slack.update_posted',
      'slack.update_threaded',
      'statuspage.publish',
    ]);

    // What people saw: three updates in the channel, the same three threaded under the announcement
    // (without the internal note), and the pinned card now saying Resolved.
    const inChannel = world.fake.messagesIn(channel).map((m) => m.text);
    expect(inChannel.filter((t) => /INC-1 (Identified|Monitoring|Resolved):/.test(t))).toEqual([
      `INC-1 Identified: ${SEED.identified}`,
      `INC-1 Monitoring: ${SEED.monitoring}`,
      `INC-1 Resolved: ${SEED.resolved}`,
    ]);
    // Under the announcement: the three updates in order, one reply each unless the announcements
    // channel was still busy (one message a second) and replies were merged.
    const thread = world.fake
      .messagesIn(ANNOUNCEMENTS_CHANNEL)
      .filter((m) => m.thread_ts && m.thread_ts !== m.ts);
    expect(thread.length).toBeGreaterThanOrEqual(1);
    expect(thread.length).toBeLessThanOrEqual(3);
    expect(JSON.stringify(thread.map((m) => m.blocks))).toMatch(/Identified[\s\S]*Monitoring[\s\S]*Resolved/);
    expect(JSON.stringify(thread)).not.toContain('Ran the missing migration');
    const [row] = await world.db.query<{ summaryMessageTs: string }>(
      'SELECT "summaryMessageTs" FROM "Incident"',
    );
    const card = world.fake.message(channel, row!.summaryMessageTs)!;
    expect(card.text).toBe(`INC-1 Resolved (SEV2): ${SEED.title}`);
    // Refreshed after the updates; an update that a later one already followed leaves the refresh
    // to the later one's job, so there are one to three edits, never more.
    expect(card.editCount).toBeGreaterThanOrEqual(1);
    expect(card.editCount).toBeLessThanOrEqual(3);
  });
});
