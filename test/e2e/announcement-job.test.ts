import { Redis } from 'ioredis';
import { outboxIdFor } from '../../src/jobs/outbox-topics';
import { VIEW_IDS } from '../../src/slack/ids';
import { REDIS_URL } from '../support/database';
import { waitFor } from '../support/process';
import { declareFormValues, sendSlashCommand, sendViewSubmission } from '../support/slack-requests';
import { ANNOUNCEMENTS_CHANNEL, startSlackWorld, type SlackWorld } from '../support/slack-e2e';

jest.setTimeout(60000);

/**
 * The announcement has its own job on the announcements channel's queue: while that shared
 * channel is busy or rate-limited, the incident channel gets its card and updates at once, and
 * the replies under the announcement follow it, in order, once each.
 */
describe('the announcement job', () => {
  let world: SlackWorld;
  let views = 0;
  beforeEach(async () => {
    world = await startSlackWorld('announce');
  });
  afterEach(async () => world.close());

  async function declare(title: string) {
    views += 1;
    const viewId = `V0ANN${views}`;
    const response = await sendViewSubmission(world.app.baseUrl, {
      callbackId: VIEW_IDS.declare,
      viewId,
      privateMetadata: JSON.stringify({ originChannelId: null }),
      values: declareFormValues({ title, severity: 'SEV3' }),
    });
    expect(response.status).toBe(200);
    expect(await world.submission('declare', viewId)).toEqual({ status: 'DONE', lastError: null });
    const [row] = await world.db.query<{ id: string; number: number }>(
      'SELECT id, number FROM "Incident" WHERE "idempotencyKey" = $1',
      [`view:${viewId}`],
    );
    return row!;
  }

  const incidentRow = async (id: string) =>
    (
      await world.db.query<{ slackChannelId: string | null; announcementTs: string | null }>(
        'SELECT "slackChannelId", "announcementTs" FROM "Incident" WHERE id = $1',
        [id],
      )
    )[0]!;

  const channelOf = (id: string) =>
    waitFor(async () => (await incidentRow(id)).slackChannelId ?? undefined, 10000, 'the incident channel');

  const announcedTs = (id: string) =>
    waitFor(async () => (await incidentRow(id)).announcementTs ?? undefined, 15000, 'the announcement');

  /** Index in the fake's call log of the first chat.postMessage matching `where`. */
  const postIndex = (where: (args: Record<string, unknown>) => boolean) =>
    world.fake.calls.findIndex((c) => c.method === 'chat.postMessage' && where(c.args));

  async function updateTwice(channel: string) {
    for (const text of ['status identified Found it', 'status monitoring Fixed']) {
      const response = await sendSlashCommand(world.app.baseUrl, text, {
        channel_id: channel,
        response_url: world.fake.responseUrl(),
      });
      expect(response.status).toBe(200);
    }
  }

  /** Both updates end up under the announcement, after it, in order, each exactly once. */
  async function expectThreadAfterAnnouncement(incidentId: string, announcementTs: string) {
    await waitFor(
      async () => {
        const rows = await world.db.query<{ announcementReplyTs: string | null }>(
          `SELECT "announcementReplyTs" FROM "IncidentUpdate" WHERE "incidentId" = $1 AND status <> 'INVESTIGATING'`,
          [incidentId],
        );
        return rows.length === 2 &&
          rows.every((r) => r.announcementReplyTs && !r.announcementReplyTs.startsWith('pending'))
          ? rows
          : undefined;
      },
      15000,
      'both updates threaded',
    );
    const replies = world.fake
      .callsTo('chat.postMessage')
      .filter((c) => c.args.channel === ANNOUNCEMENTS_CHANNEL && c.args.thread_ts);
    expect(replies.every((c) => c.args.thread_ts === announcementTs)).toBe(true);
    const shown = JSON.stringify(replies.map((c) => c.args.blocks));
    expect(shown).toMatch(/Found it[\s\S]*Fixed/);
    expect(shown.match(/Found it/g)).toHaveLength(1);
    expect(shown.match(/Fixed/g)).toHaveLength(1);
    const announced = postIndex((a) => a.channel === ANNOUNCEMENTS_CHANNEL && !a.thread_ts);
    const firstReply = postIndex((a) => a.channel === ANNOUNCEMENTS_CHANNEL && Boolean(a.thread_ts));
    expect(firstReply).toBeGreaterThan(announced);
  }

  it('posts the card and the first updates while the announcements channel is busy, and threads them after the announcement', async () => {
    // Other incidents' announcements hold the shared channel for 6 s.
    const redis = new Redis(REDIS_URL);
    await redis.set(
      `${world.app.config.redisPrefix}:slack-pace:${ANNOUNCEMENTS_CHANNEL}`,
      'busy',
      'PX',
      6000,
    );
    redis.disconnect();
    const incident = await declare('Busy announcements');
    const channel = await channelOf(incident.id);
    await waitFor(
      async () =>
        (
          await world.db.query<{ status: string }>(
            `SELECT status::text AS status FROM "OutboxMessage" WHERE "aggregateId" = $1 AND topic = 'slack.incident_declared'`,
            [incident.id],
          )
        )[0]?.status === 'DONE' || undefined,
      10000,
      'the declaration done',
    );
    await updateTwice(channel);
    const key = `INC-${incident.number}`;
    await world.calls(
      'chat.postMessage',
      2,
      (a) => a.channel === channel && /^INC-\d+ (Identified|Monitoring):/.test(String(a.text)),
    );
    // Card, pin and both updates are in the incident channel; the announcement is still waiting.
    expect(world.fake.callsTo('chat.postMessage').some((c) => c.args.channel === ANNOUNCEMENTS_CHANNEL)).toBe(
      false,
    );
    expect((await incidentRow(incident.id)).announcementTs).toBeNull();
    expect(world.fake.callsTo('pins.add')).toHaveLength(1);

    const announcementTs = await announcedTs(incident.id);
    await expectThreadAfterAnnouncement(incident.id, announcementTs);
    // Posted after both updates, the announcement shows the stage they reached.
    const announcement = world.fake.message(ANNOUNCEMENTS_CHANNEL, announcementTs)!;
    expect(announcement.text).toContain(key);
    expect(JSON.stringify(announcement.blocks)).toContain('*Stage:* Monitoring');
    expect(world.fake.callsTo('pins.add')).toHaveLength(1);
    expect(
      world.fake
        .callsTo('chat.postMessage')
        .filter((c) => c.args.channel === ANNOUNCEMENTS_CHANNEL && !c.args.thread_ts),
    ).toHaveLength(1);
  });

  it('waits out a rate-limited announcement without holding up the incident channel', async () => {
    world.fake.failNext('chat.postMessage', 'ratelimited', {
      channel: ANNOUNCEMENTS_CHANNEL,
      retryAfterSeconds: 4,
    });
    const incident = await declare('Rate-limited announcements');
    const channel = await channelOf(incident.id);
    await world.calls('chat.postMessage', 1, (a) => a.channel === ANNOUNCEMENTS_CHANNEL);
    await updateTwice(channel);
    await world.calls(
      'chat.postMessage',
      2,
      (a) => a.channel === channel && /^INC-\d+ (Identified|Monitoring):/.test(String(a.text)),
    );
    // The only announcement attempt so far is the rate-limited one.
    expect(
      world.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === ANNOUNCEMENTS_CHANNEL),
    ).toHaveLength(1);

    const announcementTs = await announcedTs(incident.id);
    await expectThreadAfterAnnouncement(incident.id, announcementTs);
    expect(
      world.fake.messagesIn(ANNOUNCEMENTS_CHANNEL).filter((m) => !m.thread_ts || m.thread_ts === m.ts),
    ).toHaveLength(1);
    expect(world.fake.callsTo('pins.add')).toHaveLength(1);
    // A rate-limited call posted nothing: no job looked for an earlier post of its own.
    expect(world.fake.callsTo('conversations.history')).toHaveLength(0);
  });

  it('still announces an incident whose declaration row was written before announcements had their own job', async () => {
    // What the previous release wrote: the incident and a declaration row without `announcedSeparately`.
    const [old] = await world.db.query<{ id: string }>(
      `WITH i AS (
         INSERT INTO "Incident" (id, title, severity, "declaredById", "updatedAt")
         VALUES (gen_random_uuid(), 'Declared before the upgrade', 'SEV3', 'U0OLD', now())
         RETURNING id)
       INSERT INTO "OutboxMessage" (id, topic, "aggregateId", payload)
       SELECT gen_random_uuid(), 'slack.incident_declared', i.id, json_build_object('v', 1, 'incidentId', i.id) FROM i
       RETURNING "aggregateId" AS id`,
    );
    const announcementTs = await announcedTs(old!.id);
    expect(world.fake.message(ANNOUNCEMENTS_CHANNEL, announcementTs)!.text).toContain(
      'Declared before the upgrade',
    );
    const [row] = await world.db.query<{ status: string }>(
      'SELECT status::text AS status FROM "OutboxMessage" WHERE id = $1',
      [outboxIdFor(`announcement:${old!.id}`)],
    );
    expect(row).toEqual({ status: 'DONE' });
    expect(world.fake.callsTo('pins.add')).toHaveLength(1);
    expect(
      world.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === ANNOUNCEMENTS_CHANNEL),
    ).toHaveLength(1);
  });
});
