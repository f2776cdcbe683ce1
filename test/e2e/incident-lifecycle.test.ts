import { outboxIdFor } from '../../src/jobs/outbox-topics';
import { VIEW_IDS, ACTION_IDS, INPUT_IDS, SHORTCUT_IDS } from '../../src/slack/ids';
import { waitFor } from '../support/process';
import {
  checkboxValue,
  declareFormValues,
  reactionAddedEvent,
  selectValue,
  sendBlockAction,
  sendEvent,
  sendMessageShortcut,
  sendSlashCommand,
  sendViewSubmission,
  textValue,
} from '../support/slack-requests';
import { ANNOUNCEMENTS_CHANNEL, startSlackWorld, type SlackWorld } from '../support/slack-e2e';

jest.setTimeout(60000);

describe('incident lifecycle through Slack (real Bolt app, fake Slack Web API)', () => {
  let world: SlackWorld;
  beforeAll(async () => {
    world = await startSlackWorld('lifecycle');
  });
  afterAll(async () => world.close());

  const command = (text: string, channelId = 'C0GENERAL', extra: Record<string, string> = {}) =>
    sendSlashCommand(world.app.baseUrl, text, {
      channel_id: channelId,
      response_url: world.fake.responseUrl(),
      ...extra,
    });

  async function declare(title: string, viewId: string, extra: { private?: boolean } = {}) {
    const response = await sendViewSubmission(world.app.baseUrl, {
      callbackId: VIEW_IDS.declare,
      viewId,
      privateMetadata: JSON.stringify({ originChannelId: 'C0GENERAL' }),
      values: declareFormValues({ title, summary: 'Pages fail to load.', isPrivate: extra.private }),
    });
    if (response.status === 200 && (await response.clone().text()) === '') {
      await world.submission('declare', viewId);
    }
    return response;
  }

  it('opens the declare modal with the title from the command', async () => {
    const response = await command('declare Checkout is down');
    expect(response.status).toBe(200);
    const [open] = await world.calls('views.open');
    const view = open!.view as {
      callback_id: string;
      blocks: { block_id: string; element: { initial_value?: string } }[];
    };
    expect(view.callback_id).toBe(VIEW_IDS.declare);
    expect(view.blocks.find((b) => b.block_id === INPUT_IDS.title.block)?.element.initial_value).toBe(
      'Checkout is down',
    );
  });

  it('refuses an empty title with a field error and declares nothing', async () => {
    const response = await declare('   ', 'V0EMPTY');
    expect(await response.json()).toEqual({
      response_action: 'errors',
      errors: { [INPUT_IDS.title.block]: 'Give the incident a title.' },
    });
    await expect(world.db.query('SELECT 1 FROM "Incident"')).resolves.toEqual([]);
  });

  it('declares: channel, invitations, pinned card, announcement; a repeated submission changes nothing', async () => {
    const first = await declare('SEI <!channel> Team Settings inaccessible', 'V0DECLARE');
    expect(first.status).toBe(200);
    expect(await first.text()).toBe('');
    await declare('SEI <!channel> Team Settings inaccessible', 'V0DECLARE');

    const [created] = await world.calls('conversations.create');
    expect(created).toMatchObject({
      name: 'inc-1-sei-channel-team-settings-inaccessible',
      is_private: false,
    });
    const channel = world.fake.callsTo('conversations.create').length;
    expect(channel).toBe(1);
    const invites = await world.calls('conversations.invite', 2);
    expect(invites.map((i) => i.users).sort()).toEqual(['U0LEAD', 'U0RESPONDER']);
    const [pin] = await world.calls('pins.add');
    const [announcement] = await world.calls(
      'chat.postMessage',
      1,
      (a) => a.channel === ANNOUNCEMENTS_CHANNEL,
    );
    expect(String(announcement!.text)).toContain('&lt;!channel&gt;');
    expect(String(announcement!.text)).not.toContain('<!channel>');
    const rows = await world.db.query<{ number: number; slackChannelId: string; summaryMessageTs: string }>(
      'SELECT number, "slackChannelId", "summaryMessageTs" FROM "Incident"',
    );
    expect(rows).toHaveLength(1);
    expect(pin).toMatchObject({ channel: rows[0]!.slackChannelId, timestamp: rows[0]!.summaryMessageTs });
  });

  async function incidentChannel(): Promise<string> {
    const [row] = await world.db.query<{ slackChannelId: string }>(
      'SELECT "slackChannelId" FROM "Incident" WHERE number = 1',
    );
    return row!.slackChannelId;
  }

  it('moves the stage with `/incident status`, posts in the channel, threads under the announcement, refreshes the card', async () => {
    const channel = await incidentChannel();
    const response = await command('status identified Bad migration &amp; stale schema', channel);
    expect(await response.json()).toEqual({
      response_type: 'ephemeral',
      text: 'Done: INC-1 is Identified, SEV2.',
    });
    const [post] = await world.calls(
      'chat.postMessage',
      1,
      (a) => a.channel === channel && String(a.text).startsWith('INC-1 Identified'),
    );
    expect(String(post!.text)).toContain('Bad migration &amp; stale schema');
    await world.calls(
      'chat.postMessage',
      1,
      (a) => a.channel === ANNOUNCEMENTS_CHANNEL && a.thread_ts !== undefined,
    );
    const [update] = await world.calls('chat.update');
    expect(JSON.stringify(update!.blocks)).toContain('Identified');
    const [stored] = await world.db.query<{ publicMessage: string }>(
      `SELECT "publicMessage" FROM "IncidentUpdate" WHERE status = 'IDENTIFIED'`,
    );
    expect(stored!.publicMessage).toBe('Bad migration & stale schema');
  });

  it('explains a stage command outside an incident channel and a move that makes no sense', async () => {
    await expect((await command('status monitoring')).json()).resolves.toEqual({
      response_type: 'ephemeral',
      text: '`/incident status` works inside an incident channel. Use `/incident list` to find one.',
    });
    const channel = await incidentChannel();
    await expect((await command('status identified', channel)).json()).resolves.toEqual({
      response_type: 'ephemeral',
      text: 'INC-1: The incident is already Identified.',
    });
    const unknown = (await (await command('explode now')).json()) as { text: string };
    expect(unknown.text).toMatch(/^Unknown subcommand "explode"/);
  });

  it('posts an update from the card button and the update modal, with an internal note kept out of the announcement thread', async () => {
    const channel = await incidentChannel();
    const [row] = await world.db.query<{ id: string; version: number }>(
      'SELECT id, version FROM "Incident" WHERE number = 1',
    );
    await sendBlockAction(world.app.baseUrl, {
      actionId: ACTION_IDS.openUpdateModal,
      value: row!.id,
      channelId: channel,
    });
    const opened = await world.calls(
      'views.open',
      1,
      (a) => (a.view as { callback_id: string }).callback_id === VIEW_IDS.update,
    );
    const view = opened[0]!.view as { private_metadata: string };
    const response = await sendViewSubmission(world.app.baseUrl, {
      callbackId: VIEW_IDS.update,
      viewId: 'V0UPDATE1',
      privateMetadata: view.private_metadata,
      values: {
        [INPUT_IDS.stage.block]: { [INPUT_IDS.stage.action]: selectValue('monitoring') },
        [INPUT_IDS.publicMessage.block]: {
          [INPUT_IDS.publicMessage.action]: textValue('A fix has been implemented.'),
        },
        [INPUT_IDS.internalNote.block]: {
          [INPUT_IDS.internalNote.action]: textValue('ran the migration by hand'),
        },
        [INPUT_IDS.notify.block]: { [INPUT_IDS.notify.action]: checkboxValue(['notify']) },
      },
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
    const [inChannel] = await world.calls(
      'chat.postMessage',
      1,
      (a) => a.channel === channel && String(a.text).startsWith('INC-1 Monitoring'),
    );
    expect(JSON.stringify(inChannel!.blocks)).toContain('ran the migration by hand');
    const [inThread] = await world.calls(
      'chat.postMessage',
      1,
      (a) => a.channel === ANNOUNCEMENTS_CHANNEL && String(a.text).includes('Monitoring'),
    );
    expect(JSON.stringify(inThread)).not.toContain('ran the migration by hand');
  });

  it('tells a responder whose form went stale what the incident looks like now', async () => {
    const [row] = await world.db.query<{ id: string }>('SELECT id FROM "Incident" WHERE number = 1');
    await command('resolve', await incidentChannel());
    const response = await sendViewSubmission(world.app.baseUrl, {
      callbackId: VIEW_IDS.update,
      viewId: 'V0STALE',
      privateMetadata: JSON.stringify({ incidentId: row!.id, version: 1 }),
      values: { [INPUT_IDS.stage.block]: { [INPUT_IDS.stage.action]: selectValue('monitoring') } },
    });
    expect(await response.json()).toEqual({
      response_action: 'errors',
      errors: {
        [INPUT_IDS.stage.block]:
          'A resolved incident cannot go to Monitoring; reopen it as Investigating or Identified first. The incident changed while you were editing: INC-1 is now Resolved, SEV2.',
      },
    });
  });

  /** Stores an update-modal submission as the listener does, for the job to apply. */
  async function storeUpdateRequest(
    viewId: string,
    userId: string,
    submitted: { stage: string; at: Date; seenStage?: string },
  ) {
    const [row] = await world.db.query<{ id: string }>('SELECT id FROM "Incident" WHERE number = 1');
    await world.db.query(
      'INSERT INTO "OutboxMessage" (id, topic, "aggregateId", payload) VALUES ($1, $2, $3, $4)',
      [
        outboxIdFor(`update:${viewId}`),
        'incident.update_requested',
        row!.id,
        JSON.stringify({
          v: 1,
          viewId,
          userId,
          at: submitted.at.toISOString(),
          incidentId: row!.id,
          openedAtVersion: 1,
          ...(submitted.seenStage ? { seenStage: submitted.seenStage } : {}),
          submission: {
            stage: submitted.stage,
            publicMessage: `Posted by ${viewId}.`,
            internalNote: '',
            notifySubscribers: true,
            componentImpacts: [],
          },
        }),
      ],
    );
  }

  it('tells a responder, in the channel, when a change made after their submission overtook it', async () => {
    // Checked when submitted (Monitoring was fine then); by the time the job applies it, INC-1 is
    // resolved. The relay's sweep hands the stored submission to the job.
    const [row] = await world.db.query<{ status: string }>(
      'SELECT status::text AS status FROM "Incident" WHERE number = 1',
    );
    expect(row!.status).toBe('RESOLVED');
    const updatesBefore = await world.db.query('SELECT id FROM "IncidentUpdate"');
    await storeUpdateRequest('V0OVERTAKEN', 'U0LATE', { stage: 'monitoring', at: new Date() });
    const channel = await incidentChannel();
    const [notice] = await world.calls('chat.postEphemeral', 1, (a) => a.user === 'U0LATE');
    expect(notice).toMatchObject({
      channel,
      text: expect.stringMatching(
        /^Your update to INC-1 was not posted: A resolved incident cannot go to Monitoring.*The incident changed while you were editing: INC-1 is now Resolved, SEV2\.$/,
      ),
    });
    expect(await world.submission('update', 'V0OVERTAKEN')).toEqual({ status: 'DONE', lastError: null });

    // Identified was a move forward when submitted; now it would reopen the resolved incident.
    await storeUpdateRequest('V0REOPEN', 'U0LATER', {
      stage: 'identified',
      at: new Date(),
      seenStage: 'investigating',
    });
    const [refusal] = await world.calls('chat.postEphemeral', 1, (a) => a.user === 'U0LATER');
    expect(refusal!.text).toMatch(
      /^Your update to INC-1 was not posted: the incident moved from Investigating to Resolved after you submitted it\./,
    );
    expect(await world.submission('update', 'V0REOPEN')).toMatchObject({ status: 'DONE' });
    expect(await world.db.query('SELECT id FROM "IncidentUpdate"')).toHaveLength(updatesBefore.length);
  });

  it('stamps a submission applied after a later command no earlier than the incident’s latest update', async () => {
    const [latest] = await world.db.query<{ postedAt: Date }>(
      'SELECT max(u."postedAt") AS "postedAt" FROM "IncidentUpdate" u JOIN "Incident" i ON i.id = u."incidentId" WHERE i.number = 1',
    );
    // Submitted a minute before the latest update was posted, applied only now.
    await storeUpdateRequest('V0LATE', 'U0LATE', {
      stage: 'resolved',
      at: new Date(latest!.postedAt.getTime() - 60_000),
      seenStage: 'resolved',
    });
    expect(await world.submission('update', 'V0LATE')).toMatchObject({ status: 'DONE' });
    const [applied] = await world.db.query<{ postedAt: Date }>(
      'SELECT "postedAt" FROM "IncidentUpdate" WHERE "idempotencyKey" = $1',
      ['view:V0LATE'],
    );
    expect(applied!.postedAt.getTime()).toBe(latest!.postedAt.getTime() + 1);
  });

  it('rejects a tampered private_metadata with a clear field error', async () => {
    const response = await sendViewSubmission(world.app.baseUrl, {
      callbackId: VIEW_IDS.update,
      viewId: 'V0TAMPER',
      privateMetadata: '{"incidentId":"not-a-uuid"}',
      values: { [INPUT_IDS.stage.block]: { [INPUT_IDS.stage.action]: selectValue('monitoring') } },
    });
    expect(await response.json()).toMatchObject({
      response_action: 'errors',
      errors: { [INPUT_IDS.stage.block]: expect.stringMatching(/out of date or damaged/) },
    });
  });

  it('changes severity and lead, announcing each in the channel and inviting the new lead', async () => {
    const channel = await incidentChannel();
    await expect((await command('severity sev1', channel)).json()).resolves.toMatchObject({
      text: 'Done: INC-1 is Resolved, SEV1.',
    });
    await command('lead <@U0NEWLEAD|newlead>', channel);
    await world.calls(
      'chat.postMessage',
      1,
      (a) => a.channel === channel && String(a.text).includes('Severity SEV2 → SEV1'),
    );
    await world.calls(
      'chat.postMessage',
      1,
      (a) => a.channel === channel && String(a.text).includes('Incident lead: <@U0NEWLEAD>'),
    );
    await world.calls('conversations.invite', 1, (a) => a.users === 'U0NEWLEAD');
  });

  it('adds messages to the timeline by shortcut and by reaction (once, even when Slack retries the event)', async () => {
    const channel = await incidentChannel();
    const ts = world.fake.addMessage(channel, {
      user: 'U0ENGINEER',
      text: 'Rolled back deploy 42 &amp; restarted',
    });
    const shortcut = await sendMessageShortcut(world.app.baseUrl, {
      callbackId: SHORTCUT_IDS.addToTimeline,
      channelId: channel,
      messageTs: ts,
      text: 'Rolled back deploy 42 &amp; restarted',
      messageUserId: 'U0ENGINEER',
      responseUrl: world.fake.responseUrl('shortcut'),
    });
    expect(shortcut.status).toBe(200);
    await waitFor(async () => world.fake.responses.find((r) => r.id === 'shortcut'), 5000, 'shortcut reply');

    const reacted = world.fake.addMessage(channel, { user: 'U0ENGINEER', text: 'Error rate back to normal' });
    const event = reactionAddedEvent({ user: 'U0RESPONDER', reaction: 'pushpin', channel, ts: reacted });
    await sendEvent(world.app.baseUrl, event, { eventId: 'Ev0REACT' });
    await sendEvent(world.app.baseUrl, event, {
      eventId: 'Ev0REACT',
      retryNum: 1,
      retryReason: 'http_timeout',
    });
    await sendEvent(
      world.app.baseUrl,
      reactionAddedEvent({ user: 'U0RESPONDER', reaction: 'tada', channel, ts: reacted }),
      { eventId: 'Ev0TADA' },
    );
    const rows = await waitFor(
      async () => {
        const found = await world.db.query<{ text: string }>(
          `SELECT text FROM "TimelineEvent" WHERE kind = 'message_added' ORDER BY "occurredAt"`,
        );
        return found.length >= 2 ? found : undefined;
      },
      5000,
      'timeline messages',
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(rows.map((r) => r.text)).toEqual([
      'Rolled back deploy 42 & restarted',
      'Error rate back to normal',
    ]);
    expect(await world.db.query(`SELECT 1 FROM "TimelineEvent" WHERE kind = 'message_added'`)).toHaveLength(
      2,
    );
  });

  it('shows the timeline with full dates in the reader’s time zone', async () => {
    world.fake.setUser('U0READER', { tz: 'America/Los_Angeles' });
    const channel = await incidentChannel();
    await command('timeline', channel, {
      user_id: 'U0READER',
      response_url: world.fake.responseUrl('timeline'),
    });
    const reply = await waitFor(
      async () => world.fake.responses.find((r) => r.id === 'timeline'),
      5000,
      'timeline reply',
    );
    const text = JSON.stringify(reply.body);
    expect(text).toContain('INC-1 timeline');
    expect(text).toContain('times in America/Los_Angeles');
    expect(text).toMatch(/`\w{3}, \w{3} \d{1,2}, \d{4} \d{2}:\d{2} P[SD]T`/);
    for (const entry of [
      'Declared SEV2',
      'Investigating → Identified',
      'Severity SEV2 → SEV1',
      'Rolled back deploy 42 &amp; restarted',
    ]) {
      expect(text).toContain(entry);
    }
  });

  it('lists open public incidents, newest first, and keeps a private incident out of the list and the announcements', async () => {
    await declare('Private payroll glitch', 'V0PRIVATE', { private: true });
    await world.calls('conversations.create', 1, (a) => a.is_private === true);
    await declare('Checkout slow', 'V0PUBLIC2');
    const list = (await (await command('list')).json()) as { text: string };
    expect(list.text).toMatch(
      /^\*Open incidents\* \(newest first\)\n• \*INC-3\* SEV2 · Investigating · <@U0LEAD>/,
    );
    expect(list.text).not.toContain('INC-1');
    expect(list.text).not.toContain('INC-2');
    expect(list.text).not.toContain('payroll');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const announced = world.fake
      .callsTo('chat.postMessage')
      .filter((c) => c.args.channel === ANNOUNCEMENTS_CHANNEL);
    expect(announced.some((c) => String(c.args.text).includes('payroll'))).toBe(false);
  });
});
