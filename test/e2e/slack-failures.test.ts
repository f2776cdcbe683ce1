import { Redis } from 'ioredis';
import { VIEW_IDS } from '../../src/slack/ids';
import { REDIS_URL } from '../support/database';
import { waitFor } from '../support/process';
import {
  declareFormValues,
  postSigned,
  sendSlashCommand,
  sendViewSubmission,
} from '../support/slack-requests';
import { ANNOUNCEMENTS_CHANNEL, startSlackWorld, type SlackWorld } from '../support/slack-e2e';

jest.setTimeout(60000);

describe('Slack failures and bad requests', () => {
  let world: SlackWorld;
  let views = 0;
  // A world per test: the fake's ids restart on reset(), and real Slack never reuses a channel id.
  beforeEach(async () => {
    world = await startSlackWorld('failures');
  });
  afterEach(async () => world.close());

  async function declare(title: string) {
    views += 1;
    const response = await sendViewSubmission(world.app.baseUrl, {
      callbackId: VIEW_IDS.declare,
      viewId: `V0FAIL${views}`,
      privateMetadata: JSON.stringify({ originChannelId: null }),
      values: declareFormValues({ title, severity: 'SEV3' }),
    });
    expect(response.status).toBe(200);
    await world.submission('declare', `V0FAIL${views}`);
    const [row] = await world.db.query<{ id: string; number: number }>(
      'SELECT id, number FROM "Incident" WHERE "idempotencyKey" = $1',
      [`view:V0FAIL${views}`],
    );
    return row!;
  }

  const outboxOf = (incidentId: string, topic: string) =>
    world.db.query<{ status: string; lastError: string | null; attempts: number }>(
      'SELECT status, "lastError", attempts FROM "OutboxMessage" WHERE "aggregateId" = $1 AND topic = $2',
      [incidentId, topic],
    );

  it('paces posts per channel and merges thread replies while the announcements channel is busy', async () => {
    const incident = await declare('Busy day');
    const channel = await waitFor(
      async () =>
        (
          await world.db.query<{ slackChannelId: string | null; announcementTs: string | null }>(
            'SELECT "slackChannelId", "announcementTs" FROM "Incident" WHERE id = $1',
            [incident.id],
          )
        ).find((row) => row.announcementTs)?.slackChannelId ?? undefined,
      10000,
      'the announcement',
    );
    // Other incidents' posts hold the announcements channel for 4 s and this incident's channel for
    // 1.5 s, so all three updates below are stored before the first one reaches Slack.
    const redis = new Redis(REDIS_URL);
    const pace = (channelId: string) => `${world.app.config.redisPrefix}:slack-pace:${channelId}`;
    await redis.set(pace(ANNOUNCEMENTS_CHANNEL), 'other incidents', 'PX', 4000);
    await redis.set(pace(channel), 'earlier post', 'PX', 1500);
    redis.disconnect();
    const command = (text: string) =>
      sendSlashCommand(world.app.baseUrl, text, {
        channel_id: channel,
        response_url: world.fake.responseUrl(),
      });
    for (const text of ['status identified Found it', 'status monitoring Fixed', 'resolve All clear']) {
      expect((await command(text)).status).toBe(200);
    }

    const key = `INC-${incident.number}`;
    const posts = await world.calls(
      'chat.postMessage',
      3,
      (a) =>
        a.channel === channel && new RegExp(`^${key} (Identified|Monitoring|Resolved):`).test(String(a.text)),
    );
    expect(posts.map((p) => p.text)).toEqual([
      `${key} Identified: Found it`,
      `${key} Monitoring: Fixed`,
      `${key} Resolved: All clear`,
    ]);
    const [reply] = await world.calls(
      'chat.postMessage',
      1,
      (a) => a.channel === ANNOUNCEMENTS_CHANNEL && Boolean(a.thread_ts),
    );
    expect(reply!.text).toBe(`${key} Resolved (3 updates): All clear`);
    expect(JSON.stringify(reply!.blocks)).toMatch(/Found it[\s\S]*Fixed[\s\S]*All clear/);
    // The replies are settled once every update records the merged reply's ts: one reply, no more.
    await waitFor(
      async () => {
        const rows = await world.db.query<{ announcementReplyTs: string | null }>(
          `SELECT "announcementReplyTs" FROM "IncidentUpdate" WHERE "incidentId" = $1 AND status <> 'INVESTIGATING'`,
          [incident.id],
        );
        return rows.length === 3 && rows.every((r) => r.announcementReplyTs) ? rows : undefined;
      },
      10000,
      'the three updates to record the merged reply',
    );
    expect(
      world.fake
        .callsTo('chat.postMessage')
        .filter((c) => c.args.channel === ANNOUNCEMENTS_CHANNEL && c.args.thread_ts),
    ).toHaveLength(1);
    // Jobs that only waited for their turn posted nothing before, so none looked for an earlier post.
    expect(world.fake.callsTo('conversations.history')).toHaveLength(0);
    expect(world.fake.callsTo('conversations.replies')).toHaveLength(0);
  });

  it('finishes a declaration while the announcements channel is busy: invites and pins once', async () => {
    const redis = new Redis(REDIS_URL);
    await redis.set(
      `${world.app.config.redisPrefix}:slack-pace:${ANNOUNCEMENTS_CHANNEL}`,
      'busy',
      'PX',
      2500,
    );
    redis.disconnect();
    const incident = await declare('Waiting its turn');
    await waitFor(
      async () =>
        (await outboxOf(incident.id, 'slack.incident_declared'))[0]?.status === 'DONE' ? true : undefined,
      15000,
      'declared job done',
    );
    // The announcement is its own job: it is still waiting for the channel's turn.
    expect((await outboxOf(incident.id, 'slack.incident_announced'))[0]?.status).not.toBe('DONE');
    await world.calls('chat.postMessage', 1, (a) => a.channel === ANNOUNCEMENTS_CHANNEL);
    expect(world.fake.callsTo('conversations.invite').map((c) => c.args.users)).toEqual([
      'U0RESPONDER',
      'U0LEAD',
    ]);
    expect(world.fake.callsTo('pins.add')).toHaveLength(1);
  });

  it('answers 401 to a bad signature and to a stale timestamp, and changes nothing', async () => {
    const body = 'command=%2Fincident&text=declare+x&user_id=U1&channel_id=C1&trigger_id=t';
    const before = await world.db.query('SELECT 1 FROM "Incident"');
    const wrongSecret = await postSigned(
      `${world.app.baseUrl}/slack/events`,
      body,
      'application/x-www-form-urlencoded',
      { secret: 'not-the-secret' },
    );
    expect(wrongSecret.status).toBe(401);
    const stale = await postSigned(
      `${world.app.baseUrl}/slack/events`,
      body,
      'application/x-www-form-urlencoded',
      {
        timestamp: Math.floor(Date.now() / 1000) - 10 * 60,
      },
    );
    expect(stale.status).toBe(401);
    expect(world.fake.callsTo('views.open')).toHaveLength(0);
    expect(await world.db.query('SELECT 1 FROM "Incident"')).toHaveLength(before.length);
  });

  it('acks a declaration before Slack has even created the channel (slow Slack never delays the ack)', async () => {
    world.fake.delay('conversations.create', 1500);
    const incident = await declare('Slow Slack day');
    const [row] = await world.db.query<{ slackChannelId: string | null }>(
      'SELECT "slackChannelId" FROM "Incident" WHERE id = $1',
      [incident.id],
    );
    expect(row!.slackChannelId).toBeNull();
    await waitFor(
      async () => {
        const [after] = await world.db.query<{ slackChannelId: string | null }>(
          'SELECT "slackChannelId" FROM "Incident" WHERE id = $1',
          [incident.id],
        );
        return after!.slackChannelId ?? undefined;
      },
      10000,
      'channel after the delay',
    );
  });

  it('picks the next channel name when Slack says name_taken', async () => {
    world.fake.failNext('conversations.create', 'name_taken');
    const incident = await declare('Name clash');
    const creates = await world.calls('conversations.create', 2);
    expect(creates.map((c) => c.name)).toEqual([
      `inc-${incident.number}-name-clash`,
      `inc-${incident.number}-name-clash-2`,
    ]);
    await waitFor(
      async () =>
        (await outboxOf(incident.id, 'slack.incident_declared'))[0]?.status === 'DONE' ? true : undefined,
      10000,
      'declared job done',
    );
  });

  it('waits out a 429 with Retry-After and then posts exactly once', async () => {
    world.fake.failNext('pins.add', 'ratelimited', { retryAfterSeconds: 1 });
    const incident = await declare('Rate limited');
    await waitFor(
      async () =>
        (await outboxOf(incident.id, 'slack.incident_declared'))[0]?.status === 'DONE' ? true : undefined,
      15000,
      'declared job done',
    );
    // The rate-limited pin was tried again; the card and the invitations before it were not.
    expect(world.fake.callsTo('pins.add')).toHaveLength(2);
    expect(world.fake.callsTo('conversations.invite')).toHaveLength(2);
    const cards = world.fake
      .callsTo('chat.postMessage')
      .filter(
        (c) => String(c.args.text).includes('Rate limited') && c.args.channel !== ANNOUNCEMENTS_CHANNEL,
      );
    expect(cards).toHaveLength(1);
    expect(world.fake.callsTo('conversations.create')).toHaveLength(1);
  });

  it('joins the announcements channel when Slack says not_in_channel, then announces', async () => {
    world.fake.addChannel(ANNOUNCEMENTS_CHANNEL, { name: 'incidents', botIsMember: false });
    const incident = await declare('Needs a join');
    await world.calls('conversations.join', 1, (a) => a.channel === ANNOUNCEMENTS_CHANNEL);
    await world.calls(
      'chat.postMessage',
      1,
      (a) => a.channel === ANNOUNCEMENTS_CHANNEL && String(a.text).includes(`INC-${incident.number}`),
    );
  });

  it('marks the work FAILED with the reason when Slack gives a permanent error, keeping what was done', async () => {
    const incident = await declare('Archived somewhere');
    await waitFor(
      async () =>
        (await outboxOf(incident.id, 'slack.incident_declared'))[0]?.status === 'DONE' ? true : undefined,
      10000,
      'declared',
    );
    const [row] = await world.db.query<{ slackChannelId: string }>(
      'SELECT "slackChannelId" FROM "Incident" WHERE id = $1',
      [incident.id],
    );
    // The card refresh is the last step of posting an update; the post itself stays done. Only the
    // incident channel fails: the announcement's own job may be refreshing it at the same time.
    world.fake.failNext('chat.update', 'channel_not_found', { channel: row!.slackChannelId });
    await sendSlashCommand(world.app.baseUrl, 'status identified', { channel_id: row!.slackChannelId });
    const [failed] = await waitFor(
      async () => {
        const rows = await outboxOf(incident.id, 'slack.update_posted');
        return rows[0]?.status === 'FAILED' ? rows : undefined;
      },
      10000,
      'update job failed',
    );
    expect(failed!.lastError).toMatch(/channel_not_found/);
    const [update] = await world.db.query<{ channelMessageTs: string | null }>(
      `SELECT "channelMessageTs" FROM "IncidentUpdate" WHERE "incidentId" = $1 AND status = 'IDENTIFIED'`,
      [incident.id],
    );
    expect(update!.channelMessageTs).not.toBeNull();
    const [stage] = await world.db.query<{ status: string }>('SELECT status FROM "Incident" WHERE id = $1', [
      incident.id,
    ]);
    expect(stage!.status).toBe('IDENTIFIED');
  });

  it('tells the user when the form could not open in time (expired_trigger_id)', async () => {
    world.fake.failNext('views.open', 'expired_trigger_id');
    const response = await sendSlashCommand(world.app.baseUrl, 'declare Late', {
      response_url: world.fake.responseUrl('late'),
    });
    expect(response.status).toBe(200);
    const reply = await waitFor(async () => world.fake.responses.find((r) => r.id === 'late'), 5000, 'reply');
    expect(reply.body).toMatchObject({
      response_type: 'ephemeral',
      text: 'Slack took too long to open the form. Please run the command again.',
    });
  });
});
