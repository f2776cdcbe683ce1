import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { migrateDatabase } from '../../src/db/migrate';
import { QUEUE_NAMES } from '../../src/jobs/queues';
import { controllableClock } from '../../src/jobs/reminder-clock';
import { DIGEST_SCHEDULER_ID } from '../../src/jobs/reminder-worker';
import { ACTION_IDS, INPUT_IDS, VIEW_IDS } from '../../src/slack/ids';
import { createTestDatabase, REDIS_URL, uniqueRedisPrefix, type TestDatabase } from '../support/database';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack';
import { waitFor } from '../support/process';
import { bootSitrep, type SitrepUnderTest } from '../support/sitrep-harness';
import {
  TEST_BOT_TOKEN,
  TEST_SIGNING_SECRET,
  dateValue,
  declareFormValues,
  selectValue,
  sendBlockAction,
  sendSlashCommand,
  sendViewSubmission,
  textValue,
  userValue,
} from '../support/slack-requests';

jest.setTimeout(40000);

/** 6 clock hours per real second: a working day of reminders takes 4 s. */
const SCALE = 21_600;
const TEAM_CHANNEL = 'C0TEAMCHAN';
const DIGEST_CHANNEL = 'C0DIGEST';
const OWNERS = { alice: 'U0ALICE', bob: 'U0BOB', carol: 'U0CAROL' } as const;
// Reminders are posted to the user id; Slack (and the fake) deliver them in the app's DM.
const dm = (userId: string) => userId;

describe('action item reminders (real Bolt app and workers, fake Slack, fast clock)', () => {
  let db: TestDatabase;
  let fake: FakeSlack;
  let app: SitrepUnderTest;
  let prefix: string;
  const items: Record<string, string> = {};
  const clock = controllableClock(new Date('2026-11-30T08:00:00Z'), 1); // a Monday

  const env = () => ({
    DATABASE_URL: db.url,
    REDIS_PREFIX: prefix,
    SLACK_BOT_TOKEN: TEST_BOT_TOKEN,
    SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
    SLACK_API_URL: fake.url,
    ACTION_ITEM_MANAGERS: JSON.stringify({ [OWNERS.carol]: 'U0BOSS' }),
    ACTION_ITEM_TEAMS: JSON.stringify({ [OWNERS.alice]: 'Payments' }),
    ACTION_ITEM_TEAM_CHANNEL: TEAM_CHANNEL,
    ACTION_ITEM_DIGEST_CHANNEL: DIGEST_CHANNEL,
    REMINDER_LEAD_WORKDAYS: '0',
    REMINDER_ESCALATE_AFTER: '1',
  });

  const postsTo = (channel: string) =>
    fake.callsTo('chat.postMessage').filter((call) => call.args.channel === channel);
  const waitForPosts = (channel: string, count: number, ms = 15000) =>
    waitFor(
      async () => (postsTo(channel).length >= count ? postsTo(channel) : undefined),
      ms,
      `${count} post(s) to ${channel}`,
    );
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  beforeAll(async () => {
    db = await createTestDatabase('action_items');
    await migrateDatabase({ databaseUrl: db.url });
    fake = await startFakeSlack();
    for (const user of [...Object.values(OWNERS), 'U0BOSS']) fake.setUser(user, { tz: 'UTC' });
    prefix = uniqueRedisPrefix('action-items');
    app = await bootSitrep(env(), 'all', { reminderClock: clock });
  });
  let redis: Redis | undefined;
  let queue: Queue | undefined;
  afterAll(async () => {
    await queue?.close();
    redis?.disconnect();
    await app?.stop();
    await fake?.close();
    await db?.drop();
  });

  let channel: string;
  let incidentId: string;

  it('opens the action item modal from `/incident action add` in the incident channel', async () => {
    await sendViewSubmission(app.baseUrl, {
      callbackId: VIEW_IDS.declare,
      viewId: 'V0DECLARE',
      privateMetadata: JSON.stringify({ originChannelId: 'C0GENERAL' }),
      values: declareFormValues({ title: 'Schema out of sync', summary: 'Pages fail.' }),
    });
    await waitFor(
      async () => (fake.callsTo('conversations.create').length > 0 ? true : undefined),
      10000,
      'channel',
    );
    const [row] = await waitFor(
      async () => {
        const rows = await db.query<{ id: string; slackChannelId: string | null }>(
          'SELECT id, "slackChannelId" FROM "Incident"',
        );
        return rows[0]?.slackChannelId ? rows : undefined;
      },
      10000,
      'incident channel id',
    );
    channel = row!.slackChannelId!;
    incidentId = row!.id;

    const outside = await sendSlashCommand(app.baseUrl, 'action add Nope', { channel_id: 'C0GENERAL' });
    expect(((await outside.json()) as { text: string }).text).toMatch(/works inside an incident channel/);

    const response = await sendSlashCommand(
      app.baseUrl,
      'action add Check the schema &amp; refuse to serve',
      {
        channel_id: channel,
        response_url: fake.responseUrl(),
      },
    );
    expect(response.status).toBe(200);
    const open = await waitFor(
      async () =>
        fake
          .callsTo('views.open')
          .find((c) => (c.args.view as { callback_id: string }).callback_id === VIEW_IDS.addActionItem),
      10000,
      'views.open',
    );
    const view = open.args.view as {
      private_metadata: string;
      blocks: { block_id: string; element: Record<string, unknown> }[];
    };
    expect(JSON.parse(view.private_metadata)).toEqual({ incidentId });
    const byId = (id: string) => view.blocks.find((b) => b.block_id === id)!.element;
    expect(byId(INPUT_IDS.actionTitle.block).initial_value).toBe('Check the schema & refuse to serve');
    expect(byId(INPUT_IDS.actionOwner.block).type).toBe('users_select');
    expect(byId(INPUT_IDS.actionDue.block).type).toBe('datepicker');
    expect(byId(INPUT_IDS.actionPriority.block).type).toBe('static_select');
  });

  const submit = (
    viewId: string,
    form: { title: string; owner: string; due: string | null; priority?: string },
  ) =>
    sendViewSubmission(app.baseUrl, {
      callbackId: VIEW_IDS.addActionItem,
      viewId,
      privateMetadata: JSON.stringify({ incidentId }),
      values: {
        [INPUT_IDS.actionTitle.block]: { [INPUT_IDS.actionTitle.action]: textValue(form.title) },
        [INPUT_IDS.actionOwner.block]: { [INPUT_IDS.actionOwner.action]: userValue(form.owner) },
        [INPUT_IDS.actionDue.block]: { [INPUT_IDS.actionDue.action]: dateValue(form.due) },
        [INPUT_IDS.actionPriority.block]: {
          [INPUT_IDS.actionPriority.action]: selectValue(form.priority ?? 'high'),
        },
      },
    });

  it('refuses a due date in the past (in the submitter’s time zone) with a field error, and stores nothing', async () => {
    // 08:00 UTC on Monday is still Monday 00:00 in Los Angeles, the fake's default zone.
    const response = await submit('V0PAST', { title: 'Too late', owner: OWNERS.alice, due: '2026-11-29' });
    expect(await response.json()).toEqual({
      response_action: 'errors',
      errors: { [INPUT_IDS.actionDue.block]: 'The due date is in the past; today is 2026-11-30.' },
    });
    const empty = await submit('V0EMPTY', { title: '  ', owner: OWNERS.alice, due: null });
    expect(((await empty.json()) as { errors: Record<string, string> }).errors).toEqual({
      [INPUT_IDS.actionTitle.block]: 'Say what needs doing.',
      [INPUT_IDS.actionDue.block]: 'Pick a due date.',
    });
    await expect(db.query('SELECT 1 FROM "ActionItem"')).resolves.toEqual([]);
  });

  it('stores items from the modal (a repeated submission adds nothing) and DMs each owner on the due date with buttons', async () => {
    clock.set(new Date('2026-11-30T12:00:00Z'), SCALE);
    for (const [name, owner] of Object.entries(OWNERS)) {
      const response = await submit(`V0ADD${name}`, { title: `Fix it, ${name}`, owner, due: '2026-12-01' });
      expect(await response.text()).toBe('');
    }
    await submit('V0ADDalice', { title: 'Fix it, alice', owner: OWNERS.alice, due: '2026-12-01' });
    const rows = await db.query<{ id: string; ownerId: string; dueAt: Date; priority: string }>(
      'SELECT id, "ownerId", "dueAt", priority FROM "ActionItem"',
    );
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      items[row.ownerId] = row.id;
      expect(row.dueAt.toISOString()).toBe('2026-12-01T00:00:00.000Z');
      expect(row.priority).toBe('HIGH');
    }
    for (const owner of Object.values(OWNERS)) {
      const [reminder] = await waitForPosts(dm(owner), 1);
      const blocks = reminder!.args.blocks as {
        type: string;
        elements?: { action_id: string; value: string }[];
      }[];
      expect(String(reminder!.args.text)).toMatch(/^Due today: your action item from INC-1/);
      const buttons = blocks.find((b) => b.type === 'actions')!.elements!;
      expect(buttons.map((b) => b.action_id)).toEqual([
        ACTION_IDS.actionItemDone,
        ACTION_IDS.actionItemSnoozeDay,
        ACTION_IDS.actionItemSnoozeWeek,
        ACTION_IDS.actionItemEdit,
      ]);
      expect(buttons.every((b) => b.value === items[owner])).toBe(true);
    }
    const sent = await db.query<{ sentAt: Date }>('SELECT "sentAt" FROM "ActionItemReminder"');
    // Sent at 09:00 on Tuesday in the owners' zone (UTC), give or take the fast clock's lag.
    for (const row of sent) expect(row.sentAt.toISOString()).toMatch(/^2026-12-01T(09|1\d)/);
  });

  it('Done stops the reminders; snooze moves them; only the owner can do either', async () => {
    const refused = fake.responseUrl('bob-on-alice');
    await sendBlockAction(app.baseUrl, {
      actionId: ACTION_IDS.actionItemDone,
      value: items[OWNERS.alice],
      userId: OWNERS.bob,
      channelId: dm(OWNERS.alice),
      responseUrl: refused,
    });
    const done = fake.responseUrl('alice-done');
    await sendBlockAction(app.baseUrl, {
      actionId: ACTION_IDS.actionItemDone,
      value: items[OWNERS.alice],
      userId: OWNERS.alice,
      channelId: dm(OWNERS.alice),
      responseUrl: done,
    });
    const snoozed = fake.responseUrl('bob-snooze');
    await sendBlockAction(app.baseUrl, {
      actionId: ACTION_IDS.actionItemSnoozeWeek,
      value: items[OWNERS.bob],
      userId: OWNERS.bob,
      channelId: dm(OWNERS.bob),
      responseUrl: snoozed,
    });
    const answers = await waitFor(
      async () => (fake.responses.length >= 3 ? fake.responses : undefined),
      10000,
      'three button answers',
    );
    const answer = (id: string) => answers.find((r) => r.id === id)!.body;
    expect(answer('bob-on-alice').text).toBe('Only the owner, <@U0ALICE>, can mark this action item done.');
    expect(answer('alice-done')).toMatchObject({ replace_original: true });
    expect(String(answer('alice-done').text)).toMatch(/^Done/);
    expect(String(answer('bob-snooze').text)).toMatch(/^Snoozed for 1 week/);

    const [bob] = await waitFor(
      async () => {
        const rows = await db.query<{ nextReminderAt: Date | null; snoozedUntil: Date | null }>(
          'SELECT "nextReminderAt", "snoozedUntil" FROM "ActionItem" WHERE id = $1',
          [items[OWNERS.bob]],
        );
        return rows[0]?.nextReminderAt &&
          rows[0].snoozedUntil &&
          rows[0].nextReminderAt >= rows[0].snoozedUntil
          ? rows
          : undefined;
      },
      10000,
      'the snooze to be planned',
    );
    expect(bob!.nextReminderAt!.getTime()).toBeGreaterThanOrEqual(Date.parse('2026-12-08T09:00:00Z'));

    // Carol did nothing: Wednesday 09:00 brings her first overdue reminder, and (after 1) escalation.
    await waitForPosts(dm(OWNERS.carol), 2);
    const [boss] = await waitForPosts(dm('U0BOSS'), 1);
    expect(String(boss!.args.text)).toMatch(/<@U0CAROL> has had 1 overdue reminder/);
    const [team] = await waitForPosts(TEAM_CHANNEL, 1);
    expect(String(team!.args.text)).toContain('Fix it, carol');
    await sleep(1500);
    expect(postsTo(dm(OWNERS.alice))).toHaveLength(1);
    expect(postsTo(dm(OWNERS.bob))).toHaveLength(1);

    const kinds = (
      await db.query<{ kind: string }>(
        `SELECT kind FROM "TimelineEvent" WHERE kind LIKE 'action_item%' ORDER BY kind`,
      )
    ).map((r) => r.kind);
    expect(kinds).toEqual([
      'action_item_added',
      'action_item_added',
      'action_item_added',
      'action_item_done',
      'action_item_escalated',
      'action_item_snoozed',
    ]);
  });

  it('an edited due date moves the reminders and starts them over', async () => {
    const edit = await sendBlockAction(app.baseUrl, {
      actionId: ACTION_IDS.actionItemEdit,
      value: items[OWNERS.bob],
      userId: OWNERS.bob,
      channelId: dm(OWNERS.bob),
      responseUrl: fake.responseUrl(),
    });
    expect(edit.status).toBe(200);
    const open = await waitFor(
      async () =>
        fake
          .callsTo('views.open')
          .find((c) => (c.args.view as { callback_id: string }).callback_id === VIEW_IDS.editActionItem),
      10000,
      'edit modal',
    );
    const view = open.args.view as { private_metadata: string };
    const response = await sendViewSubmission(app.baseUrl, {
      callbackId: VIEW_IDS.editActionItem,
      viewId: 'V0EDIT',
      userId: OWNERS.bob,
      privateMetadata: view.private_metadata,
      values: {
        [INPUT_IDS.actionTitle.block]: { [INPUT_IDS.actionTitle.action]: textValue('Fix it, bob') },
        [INPUT_IDS.actionOwner.block]: { [INPUT_IDS.actionOwner.action]: userValue(OWNERS.bob) },
        [INPUT_IDS.actionDue.block]: { [INPUT_IDS.actionDue.action]: dateValue('2027-01-15') },
        [INPUT_IDS.actionPriority.block]: { [INPUT_IDS.actionPriority.action]: selectValue('low') },
      },
    });
    expect(await response.text()).toBe('');
    const [row] = await waitFor(
      async () => {
        const rows = await db.query<{ nextReminderAt: Date; reminderEpoch: number }>(
          'SELECT "nextReminderAt", "reminderEpoch" FROM "ActionItem" WHERE id = $1',
          [items[OWNERS.bob]],
        );
        return rows[0]?.reminderEpoch === 1 && rows[0].nextReminderAt?.toISOString().startsWith('2027')
          ? rows
          : undefined;
      },
      10000,
      'the edit to be planned',
    );
    expect(row!.nextReminderAt.toISOString()).toBe('2027-01-15T09:00:00.000Z'); // a Friday, 09:00 in UTC
  });

  it('lists actions: the incident’s in its channel, mine elsewhere, overdue by owner and incident', async () => {
    const inChannel = (await (
      await sendSlashCommand(app.baseUrl, 'actions', { channel_id: channel })
    ).json()) as {
      text: string;
    };
    expect(inChannel.text).toMatch(/^\*INC-1 action items\*/);
    expect(inChannel.text).toContain('Fix it, alice');
    expect(inChannel.text).toContain('~done~');
    const mine = (await (
      await sendSlashCommand(app.baseUrl, 'actions', { channel_id: 'C0GENERAL', user_id: OWNERS.carol })
    ).json()) as { text: string };
    expect(mine.text).toMatch(/^\*Your open action items\*\n• \*INC-1\* Fix it, carol/);
    const overdue = (await (await sendSlashCommand(app.baseUrl, 'actions overdue')).json()) as {
      text: string;
    };
    expect(overdue.text).toContain('*By owner*\n• <@U0CAROL>: 1 overdue');
    expect(overdue.text).toContain('*By incident*\n*INC-1* (1)');
    expect(overdue.text).not.toContain('alice');
  });

  it('survives losing Redis and a restart: the waiting reminder is rebuilt from PostgreSQL, one DM per slot', async () => {
    const carolBefore = postsTo(dm(OWNERS.carol)).length;
    await app.stop(); // also deletes every Redis key under the prefix: the delayed jobs are gone
    redis = new Redis(REDIS_URL);
    expect(await redis.keys(`${prefix}:*`)).toEqual([]);
    const [pending] = await db.query<{ nextReminderAt: Date; nextReminderSlot: number }>(
      'SELECT "nextReminderAt", "nextReminderSlot" FROM "ActionItem" WHERE id = $1',
      [items[OWNERS.carol]],
    );
    // Restart one clock hour before the waiting reminder is due.
    const restartClock = controllableClock(new Date(pending!.nextReminderAt.getTime() - 3_600_000), SCALE);
    app = await bootSitrep(env(), 'all', { reminderClock: restartClock });
    await waitForPosts(dm(OWNERS.carol), carolBefore + 1);

    // Duplicate scheduling of the slot now waiting: three jobs, one DM.
    queue = new Queue(QUEUE_NAMES.reminders, { connection: redis, prefix });
    const [next] = await waitFor(
      async () => {
        const rows = await db.query<{ nextReminderSlot: number; reminderEpoch: number }>(
          'SELECT "nextReminderSlot", "reminderEpoch" FROM "ActionItem" WHERE id = $1',
          [items[OWNERS.carol]],
        );
        return rows[0]!.nextReminderSlot > pending!.nextReminderSlot ? rows : undefined;
      },
      10000,
      'the next slot to be planned',
    );
    const data = {
      v: 1,
      actionItemId: items[OWNERS.carol],
      epoch: next!.reminderEpoch,
      slot: next!.nextReminderSlot,
    };
    const duplicates = ['dup-a', 'dup-b', 'dup-c'].map((jobId) => ({
      name: 'reminder',
      data,
      opts: { jobId },
    }));
    await queue.addBulk(duplicates);
    // A stale job for finished work (Alice's item is done) stands down without a DM.
    await queue.add(
      'reminder',
      { v: 1, actionItemId: items[OWNERS.alice], epoch: 0, slot: 2 },
      { jobId: 'stale-alice' },
    );
    await waitForPosts(dm(OWNERS.carol), carolBefore + 2);
    await sleep(1000);
    const slots = await db.query<{ slot: string; n: string }>(
      `SELECT slot, count(*) AS n FROM "ActionItemReminder" WHERE "actionItemId" = $1 AND recipient = 'OWNER' GROUP BY slot`,
      [items[OWNERS.carol]],
    );
    expect(slots.every((s) => s.n === '1')).toBe(true);
    expect(postsTo(dm(OWNERS.carol)).length).toBe(slots.length);
    expect(postsTo(dm(OWNERS.alice))).toHaveLength(1);
    expect(await (await queue.getJob('stale-alice'))?.getState()).not.toBe('failed');

    // The weekly digest is scheduled with its cron pattern and zone; run once now, it counts per team.
    const scheduler = await queue.getJobScheduler(DIGEST_SCHEDULER_ID);
    expect(scheduler).toMatchObject({ pattern: '0 9 * * 1', tz: 'UTC' });
    await queue.add('digest', { v: 1, channel: DIGEST_CHANNEL });
    const [digest] = await waitForPosts(DIGEST_CHANNEL, 1);
    expect(String(digest!.args.text)).toContain(
      '*Payments*: 0 open, 0 overdue, 1 closed on time, 0 closed late',
    );
    expect(String(digest!.args.text)).toContain('*Reports to <@U0BOSS>*: 1 open, 1 overdue');
  });
});
