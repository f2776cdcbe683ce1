import { WebClient } from '@slack/web-api';
import pino from 'pino';
import { migrateDatabase } from '../../src/db/migrate';
import { createPool } from '../../src/db/pool';
import { createPrismaClient, type PrismaClient } from '../../src/db/prisma';
import { DEFAULT_NUDGE_INTERVALS } from '../../src/domain/stale-nudge';
import { applyIncidentCommand } from '../../src/services/apply-incident-command';
import { declareIncident } from '../../src/services/declare-incident';
import { nudgeStaleIncidents } from '../../src/services/nudge-stale-incidents';
import { ACTION_IDS } from '../../src/slack/ids';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack';
import { TEST_BOT_TOKEN } from '../support/slack-requests';

const MIN = 60_000;
const T0 = new Date('2026-02-13T06:51:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * MIN);

describe('stale-incident nudges (real PostgreSQL, fake Slack, injected clock)', () => {
  let db: TestDatabase;
  let pool: ReturnType<typeof createPool>;
  let prisma: PrismaClient;
  let fake: FakeSlack;
  let slack: WebClient;
  let incidentId: string;
  const channel = 'C0INCIDENT';

  beforeAll(async () => {
    db = await createTestDatabase('nudges');
    await migrateDatabase({ databaseUrl: db.url });
    pool = createPool(db.url);
    prisma = createPrismaClient(pool);
    fake = await startFakeSlack();
    slack = new WebClient(TEST_BOT_TOKEN, { slackApiUrl: fake.url, retryConfig: { retries: 0 } });
    const { incident } = await declareIncident(prisma, {
      title: 'SEI pages fail',
      summary: 'Looking.',
      severity: 'SEV1',
      componentIds: [],
      leadId: 'U0LEAD',
      declaredById: 'U0DECLARER',
      isPrivate: false,
      idempotencyKey: 'view:VNUDGE',
      at: T0,
    });
    incidentId = incident.id;
    await prisma.incident.update({ where: { id: incidentId }, data: { slackChannelId: channel } });
  });
  afterAll(async () => {
    await prisma.$disconnect();
    await pool.end();
    await fake.close();
    await db.drop();
  });

  const check = (minutes: number) =>
    nudgeStaleIncidents({
      prisma,
      slack,
      intervals: DEFAULT_NUDGE_INTERVALS, // SEV1: 30 minutes
      logger: pino({ level: 'silent' }),
      now: () => at(minutes),
    });
  const nudges = () => fake.messagesIn(channel).filter((m) => m.text.includes('has had no update'));

  it('does not nudge before the severity’s interval has passed', async () => {
    expect(await check(29)).toBe(0);
    expect(nudges()).toHaveLength(0);
  });

  it('nudges the lead once per stale period, however often and concurrently it checks', async () => {
    expect(await check(31)).toBe(1);
    const [first] = nudges();
    expect(first!.text).toBe(
      ':hourglass_flowing_sand: <@U0LEAD> INC-1 (SEV1) has had no update for 31 minutes. SEV1 incidents get one at least every 30 minutes: post one so people following along know where things stand.',
    );
    expect(JSON.stringify(first!.blocks)).toContain(ACTION_IDS.openUpdateModal);
    expect(await check(45)).toBe(0);
    const concurrent = await Promise.all([check(61), check(61), check(62)]);
    expect(concurrent.reduce((a, b) => a + b, 0)).toBe(1);
    expect(nudges()).toHaveLength(2);
    const rows = await prisma.staleNudge.findMany({ orderBy: { periodStartedAt: 'asc' } });
    expect(rows.map((r) => [r.periodStartedAt, r.leadId, Boolean(r.slackMessageTs)])).toEqual([
      [at(30), 'U0LEAD', true],
      [at(60), 'U0LEAD', true],
    ]);
  });

  it('starts counting again from a new update', async () => {
    const update = await applyIncidentCommand(
      prisma,
      incidentId,
      {
        type: 'post_update',
        stage: 'identified',
        publicMessage: '',
        internalNote: '',
        notifySubscribers: true,
        requireStageChange: true,
        at: at(70),
      },
      { actorId: 'U0LEAD' },
    );
    expect(update.ok).toBe(true);
    expect(await check(95)).toBe(0);
    expect(await check(101)).toBe(1);
  });

  it('tries again at the next check when Slack refuses the post, without a second nudge', async () => {
    fake.failNext('chat.postMessage', 'internal_error');
    expect(await check(131)).toBe(0);
    expect(await prisma.staleNudge.count({ where: { periodStartedAt: at(130) } })).toBe(0);
    expect(await check(132)).toBe(1);
    expect(await check(133)).toBe(0);
  });

  it('stops nudging once the incident is resolved', async () => {
    const resolved = await applyIncidentCommand(
      prisma,
      incidentId,
      {
        type: 'post_update',
        stage: 'resolved',
        publicMessage: '',
        internalNote: '',
        notifySubscribers: true,
        requireStageChange: true,
        at: at(140),
      },
      { actorId: 'U0LEAD' },
    );
    expect(resolved.ok).toBe(true);
    const before = nudges().length;
    for (const minutes of [171, 200, 600]) expect(await check(minutes)).toBe(0);
    expect(nudges()).toHaveLength(before);
  });
});
