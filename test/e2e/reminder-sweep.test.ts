import type { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import pino from 'pino';
import { migrateDatabase } from '../../src/db/migrate';
import { createPool } from '../../src/db/pool';
import { createPrismaClient, type PrismaClient } from '../../src/db/prisma';
import { DEFAULT_REMINDER_POLICY } from '../../src/domain/reminder-schedule';
import { createMetrics } from '../../src/http/metrics';
import { controllableClock } from '../../src/jobs/reminder-clock';
import { createReminderQueue, createReminderWorker } from '../../src/jobs/reminder-worker';
import {
  planActionItemReminders,
  rebuildReminderJobs,
  type PlanDeps,
} from '../../src/services/plan-action-item-reminders';
import type { SendReminderDeps } from '../../src/services/send-action-item-reminder';
import { dueMomentJobId, OWN_JOB_LAG_MS } from '../../src/services/due-moment-sweep';
import { sweepDueReminders } from '../../src/services/sweep-due-reminders';
import { createJobSlackClient } from '../../src/slack/web-client';
import {
  createTestDatabase,
  deleteRedisPrefix,
  REDIS_URL,
  uniqueRedisPrefix,
  type TestDatabase,
} from '../support/database';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack';
import { waitFor } from '../support/process';
import { TEST_BOT_TOKEN } from '../support/slack-requests';

jest.setTimeout(60000);

/** Monday 09:00 UTC: the due date's reminder (slot 1) of items due that day, owners in UTC. */
const DUE_MOMENT = new Date('2026-11-30T09:00:00Z');
const LEAD_MS = 4000;

/**
 * Many action items due at the same moment, sent by real BullMQ reminder workers (the ones the
 * worker process runs) against PostgreSQL, Redis and the fake Slack. Each test has its own
 * database and Redis prefix.
 */
describe('reminders due at the same moment are swept by one job', () => {
  let fake: FakeSlack;
  let db: TestDatabase;
  let pool: ReturnType<typeof createPool>;
  let prisma: PrismaClient;
  let prefix: string;
  let redis: Redis;
  const workers: Worker[] = [];
  const closers: (() => Promise<unknown>)[] = [];
  const results: string[] = [];
  const clock = controllableClock(new Date(DUE_MOMENT.getTime() - LEAD_MS), 1);
  /** Real time (ms) at which the clock shows DUE_MOMENT, set when the items are planned. */
  let dueAtReal = 0;

  beforeAll(async () => {
    fake = await startFakeSlack();
  });
  afterAll(async () => {
    await fake?.close();
  });
  beforeEach(async () => {
    fake.reset();
    results.length = 0;
    db = await createTestDatabase('reminder_sweep');
    await migrateDatabase({ databaseUrl: db.url });
    pool = createPool(db.url);
    prisma = createPrismaClient(pool);
    prefix = uniqueRedisPrefix('reminder-sweep');
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  });
  afterEach(async () => {
    for (const worker of workers.splice(0)) await worker.close();
    for (const close of closers.splice(0)) await close();
    redis.disconnect();
    await deleteRedisPrefix(prefix);
    await prisma.$disconnect();
    await pool.end();
    await db.drop();
  });

  const slack = () => createJobSlackClient({ botToken: TEST_BOT_TOKEN, apiUrl: fake.url });
  const sendDeps = (sweepSize: number): SendReminderDeps => ({
    prisma,
    slack: slack(),
    now: () => clock.now(),
    escalateAfter: 3,
    managers: {},
    sweep: { size: sweepSize, inFlight: 8 },
  });
  const planDeps = (): PlanDeps => ({
    prisma,
    queue: createReminderQueue(redis, prefix),
    clock,
    policy: { ...DEFAULT_REMINDER_POLICY, leadWorkdays: 0 },
    timeZoneOf: () => Promise.resolve('UTC'),
    ownJobLagMs: OWN_JOB_LAG_MS, // as the worker plans with sweeping on
  });

  /** `count` open items due at DUE_MOMENT, owner `U0OWNER<i>` each, planned (jobs waiting). */
  async function dueItems(count: number): Promise<{ id: string; ownerId: string }[]> {
    const [incident] = await db.query<{ id: string }>(
      `INSERT INTO "Incident" (id, title, severity, status, "declaredById", "declaredAt", "updatedAt")
       VALUES (gen_random_uuid(), 'Sweep', 'SEV3', 'RESOLVED', 'U0LEAD', now(), now()) RETURNING id`,
    );
    const items = await db.query<{ id: string; ownerId: string }>(
      `INSERT INTO "ActionItem" (id, "incidentId", title, "ownerId", "dueAt", "updatedAt")
       SELECT gen_random_uuid(), $1, 'Item ' || n, 'U0OWNER' || n, '2026-11-30', now()
       FROM generate_series(1, $2::int) AS n RETURNING id, "ownerId"`,
      [incident!.id, count],
    );
    // Planned a few clock seconds before the moment: every job becomes due at once, that much later.
    clock.set(new Date(DUE_MOMENT.getTime() - LEAD_MS), 1);
    dueAtReal = Date.now() + clock.msUntil(DUE_MOMENT);
    const plan = planDeps();
    await Promise.all(items.map((item) => planActionItemReminders(plan, item.id)));
    await plan.queue.close();
    const [planned] = await db.query<{ n: string }>(
      `SELECT count(*) AS n FROM "ActionItem" WHERE "nextReminderAt" = $1`,
      [DUE_MOMENT],
    );
    expect(planned!.n).toBe(String(count));
    return items;
  }

  function startWorker(options: { concurrency: number; sweepSize: number }): Worker {
    const plan = planDeps();
    const connection = redis.duplicate();
    closers.push(
      () => plan.queue.close(),
      async () => connection.disconnect(),
    );
    const worker = createReminderWorker({
      connection,
      prefix,
      logger: pino({ level: 'silent' }),
      metrics: createMetrics(),
      plan,
      send: sendDeps(options.sweepSize),
      slack: slack(),
      config: {
        managers: {},
        teams: {},
        policy: plan.policy,
        escalateAfter: 3,
        concurrency: options.concurrency,
        sweepSize: options.sweepSize,
      },
    });
    worker.on('completed', (_job, result: string) => results.push(result));
    workers.push(worker);
    void worker.run();
    return worker;
  }

  const dmsTo = (ownerId: string) =>
    fake.callsTo('chat.postMessage').filter((call) => call.args.channel === ownerId);
  /** Owner reminders recorded as sent (Slack answered), per item id. */
  const recorded = async () => {
    const rows = await db.query<{ actionItemId: string; n: string }>(
      `SELECT "actionItemId", count(*) AS n FROM "ActionItemReminder"
       WHERE recipient = 'OWNER' AND "slackMessageTs" IS NOT NULL GROUP BY "actionItemId"`,
    );
    return new Map(rows.map((row) => [row.actionItemId, Number(row.n)]));
  };
  /** Waits until every item's next slot (2) is planned: all reminders of the moment are done. */
  const allPlannedPast = (count: number) =>
    waitFor(
      async () => {
        const [row] = await db.query<{ n: string }>(
          `SELECT count(*) AS n FROM "ActionItem" WHERE "nextReminderSlot" = 2`,
        );
        return Number(row!.n) >= count ? true : undefined;
      },
      30000,
      `${count} items planned past the due slot`,
    );
  const sweptCount = () =>
    results.reduce((sum, result) => sum + Number(/swept (\d+) of/.exec(result)?.[1] ?? 0), 0);
  // The items can all be planned (the database shows it) a moment before the last of their jobs
  // reports completed: these wait for the completion events themselves.
  /** Results of the items' own jobs (a due-moment sweep job's start with "swept"). */
  const itemResults = () => results.filter((r) => !r.startsWith('swept '));
  const jobsCompleted = (count: number) =>
    waitFor(async () => (itemResults().length >= count ? true : undefined), 10000, `${count} jobs completed`);
  /** As if Redis had lost the moment's sweep job: the items' own jobs are all there is. */
  const loseDueMomentJob = async () => {
    const queue = createReminderQueue(redis, prefix);
    expect(await queue.remove(dueMomentJobId(DUE_MOMENT))).toBe(1);
    await queue.close();
  };
  const someJobSwept = () =>
    waitFor(async () => (sweptCount() > 0 ? true : undefined), 10000, 'a job that swept others');

  it('a burst of items due at once is sent by its due-moment job: one DM each, the items’ jobs stand down', async () => {
    const items = await dueItems(40);
    startWorker({ concurrency: 1, sweepSize: 100 });
    await allPlannedPast(items.length);
    await jobsCompleted(items.length);
    for (const item of items) expect(dmsTo(item.ownerId)).toHaveLength(1);
    // The moment's sweep job (started ahead, holding the only slot) sent all 40; no DM before T.
    expect(results.filter((r) => r === 'swept 40 of 40 (0 released)')).toHaveLength(1);
    expect(itemResults().filter((r) => r === 'already-sent')).toHaveLength(40);
    const first = Math.min(...fake.callTimes.filter((_, i) => fake.calls[i]!.method === 'chat.postMessage'));
    expect(first).toBeGreaterThanOrEqual(dueAtReal);
    const rows = await db.query<{ n: string }>(
      `SELECT count(*) AS n FROM "ActionItemReminder" WHERE recipient = 'OWNER' AND "slackMessageTs" IS NOT NULL`,
    );
    expect(rows[0]!.n).toBe('40');
  });

  it('without its due-moment job (lost), the first item job sweeps the others: one DM each', async () => {
    const items = await dueItems(40);
    await loseDueMomentJob();
    startWorker({ concurrency: 1, sweepSize: 100 });
    await allPlannedPast(items.length);
    await jobsCompleted(items.length);
    for (const item of items) expect(dmsTo(item.ownerId)).toHaveLength(1);
    // One job sent its own reminder and swept the 39 others; the 39 jobs found theirs sent.
    expect(results.filter((r) => r.startsWith('sent; swept 39 of 39 (0 released)'))).toHaveLength(1);
    expect(results.filter((r) => r === 'already-sent')).toHaveLength(39);
  });

  it('with two workers the burst goes out once: the due-moment job sweeps until nothing is left', async () => {
    const items = await dueItems(120);
    fake.delay('chat.postMessage', 20); // sends overlap, so sweeps run side by side
    startWorker({ concurrency: 8, sweepSize: 10 });
    startWorker({ concurrency: 8, sweepSize: 10 });
    await allPlannedPast(items.length);
    await someJobSwept();
    for (const item of items) expect(dmsTo(item.ownerId)).toHaveLength(1);
    // The due-moment job's sweeps (10 at a time, side by side) kept claiming until none was left.
    expect(results).toContain('swept 120 of 120 (0 released)');
  });

  it('after Redis lost everything, the rebuild adds the moment’s sweep job back, and the burst still goes out by it', async () => {
    const items = await dueItems(10);
    await deleteRedisPrefix(prefix);
    const plan = planDeps();
    expect(await rebuildReminderJobs(plan)).toBe(10);
    const sweepJob = await plan.queue.getJob(dueMomentJobId(DUE_MOMENT));
    expect(sweepJob?.name).toBe('sweep');
    await plan.queue.close();
    startWorker({ concurrency: 1, sweepSize: 100 });
    await allPlannedPast(items.length);
    await jobsCompleted(items.length);
    expect(results).toContain('swept 10 of 10 (0 released)');
    for (const item of items) expect(dmsTo(item.ownerId)).toHaveLength(1);
  });

  it('a DM that fails in the moment’s sweep (a deactivated owner) does not stop it: the others all go out', async () => {
    const items = await dueItems(10);
    // The first item the sweeps claim (they go by id) fails, as for an owner whose account is gone.
    const victim = [...items].sort((a, b) => a.id.localeCompare(b.id))[0]!;
    fake.failNext('chat.postMessage', 'account_inactive', { channel: victim.ownerId, times: 10 });
    startWorker({ concurrency: 4, sweepSize: 2 }); // 4 sweeps of 2, claiming again until none is left
    await waitFor(
      async () => (results.some((r) => r.startsWith('swept ')) ? true : undefined),
      10000,
      'the moment’s sweep job',
    );
    // 9 sent; the victim released (a second time if a sweep already under way took it again).
    expect(results.find((r) => r.startsWith('swept '))).toMatch(/^swept 9 of 1[01] \([12] released\)$/);
    const sent = await recorded();
    for (const item of items) expect(sent.get(item.id)).toBe(item === victim ? undefined : 1);
  });

  it('two sweeps started together claim disjoint items', async () => {
    const items = await dueItems(60);
    clock.set(DUE_MOMENT, 1); // the jobs stay delayed; the sweep below runs first
    fake.delay('chat.postMessage', 10);
    const deps = sendDeps(60);
    const sweeps = await Promise.all(
      [0, 1, 2].map(() => sweepDueReminders(deps, deps.sweep!, { dueBy: DUE_MOMENT, except: items[0]!.id })),
    );
    expect(sweeps.reduce((sum, s) => sum + s.claimed, 0)).toBe(59);
    expect(sweeps.reduce((sum, s) => sum + s.sent, 0)).toBe(59);
    for (const item of items.slice(1)) expect(dmsTo(item.ownerId)).toHaveLength(1);
    expect(dmsTo(items[0]!.ownerId)).toHaveLength(0);
  });

  it('a Slack failure in a sweep gives the claim back: that item’s own job sends it, once', async () => {
    const items = await dueItems(10);
    clock.set(DUE_MOMENT, 1); // the jobs stay delayed; the sweep below runs first
    fake.failNext('chat.postMessage', 'internal_error');
    const deps = sendDeps(100);
    const swept = await sweepDueReminders(deps, deps.sweep!, { dueBy: DUE_MOMENT, except: items[0]!.id });
    expect(swept).toEqual({ claimed: 9, sent: 8, released: 1 });
    const before = await recorded();
    const failed = items.slice(1).filter((item) => !before.has(item.id));
    expect(failed).toHaveLength(1);
    expect(
      await db.query(`SELECT 1 FROM "ActionItemReminder" WHERE "actionItemId" = $1`, [failed[0]!.id]),
    ).toEqual([]);
    startWorker({ concurrency: 4, sweepSize: 100 });
    await allPlannedPast(items.length);
    const after = await recorded();
    for (const item of items) expect(after.get(item.id)).toBe(1);
    for (const item of items) expect(dmsTo(item.ownerId)).toHaveLength(item === failed[0] ? 2 : 1); // the failed call, then one that went through
  });

  it('a rate limit stops the sweep; what it had not sent goes out through the items’ own jobs', async () => {
    const items = await dueItems(12);
    clock.set(DUE_MOMENT, 1); // the jobs stay delayed; the sweep below runs first
    fake.failNext('chat.postMessage', 'ratelimited', { retryAfterSeconds: 1 });
    const deps = { ...sendDeps(100), sweep: { size: 100, inFlight: 1 } };
    const swept = await sweepDueReminders(deps, deps.sweep, { dueBy: DUE_MOMENT, except: items[0]!.id });
    expect(swept).toEqual({ claimed: 11, sent: 0, released: 11 });
    expect(await db.query(`SELECT 1 FROM "ActionItemReminder"`)).toEqual([]);
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1); // stopped at the first 429
    startWorker({ concurrency: 4, sweepSize: 100 });
    await allPlannedPast(items.length);
    const after = await recorded();
    for (const item of items) expect(after.get(item.id)).toBe(1);
    expect(fake.callsTo('chat.postMessage')).toHaveLength(items.length + 1);
  });

  it.each([
    ['its due-moment job', false],
    ['the items’ own jobs (due-moment job lost)', true],
  ])('a done item (its job still waiting) and a snoozed one get nothing from %s', async (_how, lost) => {
    const items = await dueItems(20);
    const [done, snoozed] = items;
    // Done without its job removed (a stale job) and snoozed to Tuesday (planned again, as on a click).
    await db.query(`UPDATE "ActionItem" SET state = 'DONE', "completedAt" = now() WHERE id = $1`, [done!.id]);
    await db.query(`UPDATE "ActionItem" SET "snoozedUntil" = '2026-12-01T12:00:00Z' WHERE id = $1`, [
      snoozed!.id,
    ]);
    const plan = planDeps();
    await planActionItemReminders(plan, snoozed!.id);
    await plan.queue.close();
    if (lost) await loseDueMomentJob();
    startWorker({ concurrency: 2, sweepSize: 100 });
    await allPlannedPast(items.length - 2);
    await jobsCompleted(items.length - 1); // the snoozed item's job waits for Tuesday
    expect(itemResults().filter((r) => r === 'stale')).toHaveLength(1); // the done item's
    // Each of the 18 went out once, swept or by its own job, and a sweep did happen. (Under load this
    // used to fail: two jobs' sweeps could each take the other's item, so both jobs came back
    // in-flight and their sweeps went unreported; a job now claims its own slot before sweeping.)
    expect(sweptCount()).toBeGreaterThan(0);
    expect(sweptCount() + itemResults().filter((r) => r.startsWith('sent')).length).toBe(items.length - 2);
    expect(dmsTo(done!.ownerId)).toHaveLength(0);
    expect(dmsTo(snoozed!.ownerId)).toHaveLength(0);
    for (const item of items.slice(2)) expect(dmsTo(item.ownerId)).toHaveLength(1);
  });
});
