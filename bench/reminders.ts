/**
 * Reminder benchmark: scheduling many action items, and how late reminders reach Slack.
 *
 *   npm run bench reminders [-- --items N --batch N --plan-concurrency N --sweep-size N]
 *
 * 1. Scheduling: inserts --items open action items (default 100,000; 1,000 owners, due dates
 *    spread over the next 60 days) into a database of its own, then plans every item's reminder
 *    the way the worker does (`planActionItemReminders`: read the item, the owner's time zone from
 *    a fake Slack users.info (cached), compute the slot, store it, add the delayed BullMQ job),
 *    --plan-concurrency at a time. Reports the time, Redis memory (INFO memory used_memory before
 *    and after) and the delayed job count; then deletes the Redis keys and times the boot-time
 *    rebuild from PostgreSQL (`rebuildReminderJobs`).
 * 2. Lag: for 1 and then 2 worker processes (`node --import tsx src/main.ts worker`, real BullMQ
 *    workers, REMINDER_CONCURRENCY and REMINDER_SWEEP_SIZE default unless given), a fresh database
 *    and prefix, --batch items (default 1,000, one owner each) whose due reminder falls on the same whole minute T (owners' time zone
 *    and REMINDER_WORKING_HOURS are chosen so that a working day starts at T, and
 *    REMINDER_WORK_DAYS=mon-sun so that T is a work day whatever day the benchmark runs on). Lag = when the DM's
 *    chat.postMessage reached the fake Slack (in this process) minus T; p50/p99/max.
 * Only 127.0.0.1 is contacted. Everything made is removed afterwards, also on Ctrl-C. Numbers are
 * printed, never asserted: copy them into BENCHMARKS.md.
 */
import { writeFileSync } from 'node:fs';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { migrateDatabase } from '../src/db/migrate';
import { createPool } from '../src/db/pool';
import { createPrismaClient, type PrismaClient } from '../src/db/prisma';
import { isWorkday, localTime, parseWorkdays, parseWorkingHours } from '../src/domain/reminder-schedule';
import { QUEUE_NAMES } from '../src/jobs/queues';
import { OWN_JOB_LAG_MS } from '../src/services/due-moment-sweep';
import { systemClock } from '../src/jobs/reminder-clock';
import {
  planActionItemReminders,
  rebuildReminderJobs,
  type PlanDeps,
} from '../src/services/plan-action-item-reminders';
import { UserTimeZones } from '../src/services/slack/user-time-zones';
import { createJobSlackClient } from '../src/slack/web-client';
import {
  createTestDatabase,
  REDIS_URL,
  uniqueRedisPrefix,
  type TestDatabase,
} from '../test/support/database';
import { startFakeSlack, type FakeSlack } from '../test/support/fake-slack';
import { spawnSitrep, type SitrepProcess } from '../test/support/process';
import { TEST_BOT_TOKEN, TEST_SIGNING_SECRET } from '../test/support/slack-requests';
import { stopChildProcess } from './support/child';
import { cleanupStep, deleteRedisKeys, runWithCleanup } from './support/cleanup';
import { loadAverage, machineDescription, markdownTable, percentile } from './support/report';

const EXIT_USAGE = 2;
const USAGE = `Usage: npm run bench -- reminders [--items N] [--batch N] [--plan-concurrency N] [--workers 1,2] [--concurrency N] [--sweep-size N]`;

interface Options {
  items: number;
  batch: number;
  planConcurrency: number;
  workers: number[];
  /** REMINDER_CONCURRENCY of each worker process; unset: the default. */
  concurrency?: number;
  /** REMINDER_SWEEP_SIZE of each worker process (0: one job per DM); unset: the default. */
  sweepSize?: number;
}

function parseOptions(args: string[]): Options | string {
  const options: Options = { items: 100_000, batch: 1000, planConcurrency: 32, workers: [1, 2] };
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = (args[i] ?? '').split('=', 2) as [string, string | undefined];
    const value = inline ?? args[++i];
    if (flag === '--workers') {
      options.workers = (value ?? '').split(',').map(Number);
      if (options.workers.some((n) => !Number.isInteger(n) || n < 1 || n > 8))
        return `--workers expects e.g. 1,2`;
      continue;
    }
    const n = Number(value);
    if (flag === '--sweep-size' && Number.isInteger(n) && n >= 0) {
      options.sweepSize = n;
      continue;
    }
    if (!Number.isInteger(n) || n < 1) return `${flag} expects a positive whole number, got ${value}`;
    if (flag === '--items') options.items = n;
    else if (flag === '--batch') options.batch = n;
    else if (flag === '--plan-concurrency') options.planConcurrency = n;
    else if (flag === '--concurrency') options.concurrency = n;
    else return `Unknown option ${flag}`;
  }
  return options;
}

interface World {
  db: TestDatabase;
  prefix: string;
  prisma: PrismaClient;
  pool: ReturnType<typeof createPool>;
  redis: Redis;
  queue: Queue;
}

const cleanups: (() => Promise<void>)[] = [];

async function openWorld(label: string): Promise<World> {
  const db = await createTestDatabase(`bench_${label}`);
  const prefix = uniqueRedisPrefix(`bench-${label}`);
  cleanups.push(async () => {
    await cleanupStep(`drop database ${db.name}`, () => db.drop());
    await cleanupStep(`delete Redis keys ${prefix}:*`, () => deleteRedisKeys(REDIS_URL, prefix));
  });
  await migrateDatabase({ databaseUrl: db.url });
  const pool = createPool(db.url);
  const prisma = createPrismaClient(pool);
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue(QUEUE_NAMES.reminders, { connection: redis, prefix });
  cleanups.push(async () => {
    await cleanupStep('close the queue', () => queue.close());
    redis.disconnect();
    await cleanupStep('close the database pool', async () => {
      await prisma.$disconnect();
      await pool.end();
    });
  });
  return { db, prefix, prisma, pool, redis, queue };
}

async function usedMemory(redis: Redis): Promise<number> {
  return Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1] ?? Number.NaN);
}

/** Inserts an incident and `count` open items with due dates from `dueDate(i)`, in SQL (not timed). */
async function insertItems(
  world: World,
  count: number,
  owner: (i: number) => string,
  dueDate: (i: number) => string,
): Promise<string[]> {
  const [incident] = await world.db.query<{ id: string }>(
    `INSERT INTO "Incident" (id, title, severity, status, "declaredById", "declaredAt", "updatedAt")
     VALUES (gen_random_uuid(), 'Reminder benchmark', 'SEV3', 'RESOLVED', 'U0BENCH', now(), now()) RETURNING id`,
  );
  const ids: string[] = [];
  for (let start = 0; start < count; start += 5000) {
    const n = Math.min(5000, count - start);
    const owners = Array.from({ length: n }, (_, k) => owner(start + k));
    const dues = Array.from({ length: n }, (_, k) => dueDate(start + k));
    const rows = await world.db.query<{ id: string }>(
      `INSERT INTO "ActionItem" (id, "incidentId", title, "ownerId", "dueAt", "updatedAt")
       SELECT gen_random_uuid(), $1, 'Benchmark item ' || o.n, o.owner, o.due::timestamp, now()
       FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS o(owner, due, n) RETURNING id`,
      [incident!.id, owners, dues],
    );
    ids.push(...rows.map((r) => r.id));
  }
  return ids;
}

async function inParallel<T>(
  items: T[],
  concurrency: number,
  fn: (item: T) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

function planDeps(
  world: World,
  fake: FakeSlack,
  hours = '09:00-17:00',
  lead = 1,
  workDays = 'mon-fri',
  ownJobLagMs = 0,
): PlanDeps {
  const timeZones = new UserTimeZones(createJobSlackClient({ botToken: TEST_BOT_TOKEN, apiUrl: fake.url }));
  return {
    prisma: world.prisma,
    queue: world.queue,
    clock: systemClock,
    policy: {
      leadWorkdays: lead,
      repeatWorkdays: 1,
      hours: parseWorkingHours(hours)!,
      workdays: parseWorkdays(workDays)!,
    },
    timeZoneOf: (user) => timeZones.of(user),
    ownJobLagMs,
  };
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);
const mib = (bytes: number) => (bytes / 1024 ** 2).toFixed(1);

async function scheduling(options: Options, fake: FakeSlack): Promise<string[][]> {
  const world = await openWorld('plan');
  const day = 86_400_000;
  const today = Math.floor(Date.now() / day);
  const insertStart = Date.now();
  const ids = await insertItems(
    world,
    options.items,
    (i) => `U0OWNER${i % 1000}`,
    (i) => new Date((today + 30 + (i % 60)) * day).toISOString().slice(0, 10),
  );
  console.error(`Inserted ${ids.length} items in ${seconds(Date.now() - insertStart)} s (not timed)`);
  const before = await usedMemory(world.redis);
  const deps = planDeps(world, fake);
  const started = Date.now();
  await inParallel(ids, options.planConcurrency, (id) => planActionItemReminders(deps, id));
  const planMs = Date.now() - started;
  const after = await usedMemory(world.redis);
  const delayed = await world.queue.getDelayedCount();
  await deleteRedisKeys(REDIS_URL, world.prefix);
  const emptied = await usedMemory(world.redis);
  const rebuildStart = Date.now();
  const rebuilt = await rebuildReminderJobs(deps);
  const rebuildMs = Date.now() - rebuildStart;
  const afterRebuild = await usedMemory(world.redis);
  console.error(
    `Planned ${ids.length} in ${seconds(planMs)} s; rebuilt ${rebuilt} in ${seconds(rebuildMs)} s`,
  );
  return [
    [
      'plan every item (worker path)',
      String(ids.length),
      seconds(planMs),
      String(Math.round(ids.length / (planMs / 1000))),
      mib(before),
      mib(after),
      String(Math.round((after - before) / ids.length)),
      String(delayed),
    ],
    [
      'rebuild from PostgreSQL (boot)',
      String(rebuilt),
      seconds(rebuildMs),
      String(Math.round(rebuilt / (rebuildMs / 1000))),
      mib(emptied),
      mib(afterRebuild),
      String(Math.round((afterRebuild - emptied) / rebuilt)),
      String(await world.queue.getDelayedCount()),
    ],
  ];
}

// The workers work every day (REMINDER_WORK_DAYS below): with Monday to Friday, no zone on Earth has
// a weekday from Saturday 12:00 to Sunday 10:00 UTC and the lag could not be measured then.
const WORK_DAYS = 'mon-sun';
const LAG_ZONE = 'Asia/Tokyo';

/** The working hours that start at T in the owners' zone, and T's date there (the due date). */
function workdayStartingAt(at: Date): { zone: string; hours: string; dueDate: string } {
  const { day, minute } = localTime(at, LAG_ZONE);
  if (!isWorkday(day, parseWorkdays(WORK_DAYS))) throw new Error(`${WORK_DAYS} should cover every day`);
  const hhmm = `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
  return {
    zone: LAG_ZONE,
    hours: `${hhmm}-24:00`,
    dueDate: new Date(day * 86_400_000).toISOString().slice(0, 10),
  };
}

async function lag(options: Options, workers: number, fake: FakeSlack): Promise<string[]> {
  const world = await openWorld(`lag${workers}`);
  // T: a whole minute at least 40 s away, so the workers boot and every job is planned before it.
  const at = new Date(Math.ceil((Date.now() + 40_000) / 60_000) * 60_000);
  const { zone, hours, dueDate } = workdayStartingAt(at);
  const owners = Array.from({ length: options.batch }, (_, i) => `U0LAG${workers}X${i}`);
  for (const owner of owners) fake.setUser(owner, { tz: zone });
  const env = {
    DATABASE_URL: world.db.url,
    REDIS_URL,
    REDIS_PREFIX: world.prefix,
    SLACK_BOT_TOKEN: TEST_BOT_TOKEN,
    SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
    SLACK_API_URL: fake.url,
    // spawnSitrep reads the port from the info-level `listening` line.
    LOG_LEVEL: 'info',
    REMINDER_WORKING_HOURS: hours,
    REMINDER_WORK_DAYS: WORK_DAYS,
    REMINDER_LEAD_WORKDAYS: '0',
    ...(options.concurrency ? { REMINDER_CONCURRENCY: String(options.concurrency) } : {}),
    ...(options.sweepSize !== undefined ? { REMINDER_SWEEP_SIZE: String(options.sweepSize) } : {}),
  };
  const children: SitrepProcess[] = [];
  cleanups.unshift(async () => {
    for (const child of children) {
      let exited = false;
      void child.exit.then(() => (exited = true));
      await cleanupStep('stop a worker', () =>
        stopChildProcess(
          child.child,
          child.exit,
          () => exited || child.child.exitCode !== null,
          15_000,
          'worker killed',
        ),
      );
    }
  });
  for (let i = 0; i < workers; i++) {
    // BENCH_WORKER_CPU_PROF=<dir>: each worker writes a V8 CPU profile there when it exits.
    const profile = process.env.BENCH_WORKER_CPU_PROF;
    const child = spawnSitrep(['worker'], env, profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []);
    void child.exit.then(({ code }) => {
      if (process.env.BENCH_WORKER_LOG)
        writeFileSync(`${process.env.BENCH_WORKER_LOG}-${child.child.pid}.log`, child.stdout.join('\n'));
      if (code !== 0)
        console.error(
          `A worker exited with ${code}:\n${child.stderr.join('')}${child.stdout.slice(-5).join('\n')}`,
        );
    });
    children.push(child);
  }
  console.error(`Started ${workers} worker process(es); waiting for /readyz`);
  await Promise.all(
    children.map(async (child) => {
      const port = await child.port;
      for (;;) {
        const ready = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
        if (ready?.status === 200) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }),
  );
  const ids = await insertItems(
    world,
    options.batch,
    (i) => owners[i]!,
    () => dueDate,
  );
  // Planned as the workers plan (src/jobs/action-item-jobs.ts): with sweeping on, the items' own
  // jobs run OWN_JOB_LAG_MS after the moment, behind its sweep job.
  const lagMs = (options.sweepSize ?? 100) > 0 ? OWN_JOB_LAG_MS : 0;
  const deps = planDeps(world, fake, hours, 0, WORK_DAYS, lagMs);
  await inParallel(ids, options.planConcurrency, (id) => planActionItemReminders(deps, id));
  const planned = await world.db.query<{ n: string }>(
    `SELECT count(*) AS n FROM "ActionItem" WHERE "nextReminderAt" = $1`,
    [at],
  );
  const ready = Date.now();
  console.error(
    `${workers} worker(s): ${planned[0]!.n}/${ids.length} reminders planned for ${at.toISOString()} (zone ${zone}, ${Math.round((at.getTime() - ready) / 1000)} s ahead)`,
  );
  const dms = new Set(owners);
  const lags: number[] = [];
  const deadline = at.getTime() + 60_000;
  while (Date.now() < deadline) {
    lags.length = 0;
    fake.calls.forEach((call, i) => {
      if (call.method === 'chat.postMessage' && dms.has(String(call.args.channel)))
        lags.push(fake.callTimes[i]! - at.getTime());
    });
    if (lags.length >= ids.length) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  lags.sort((a, b) => a - b);
  return [
    String(workers),
    `${lags.length}/${ids.length}`,
    String(lags[0] ?? '-'),
    String(percentile(lags, 50)),
    String(percentile(lags, 99)),
    String(lags.at(-1) ?? '-'),
  ];
}

export async function run(args: string[]): Promise<number> {
  const options = parseOptions(args);
  if (typeof options === 'string') {
    console.error(`${options}\n${USAGE}`);
    return EXIT_USAGE;
  }
  const fake = await startFakeSlack();
  cleanups.push(() => fake.close());
  const cleanUp = async () => {
    for (const step of cleanups.splice(0)) await step();
  };
  return runWithCleanup(
    async () => {
      const loadBefore = loadAverage();
      const date = new Date().toISOString();
      const schedule = await scheduling(options, fake);
      const lagRows: string[][] = [];
      for (const workers of options.workers) lagRows.push(await lag(options, workers, fake));
      console.log(`- Date: ${date}`);
      console.log(`- Machine: ${machineDescription()}`);
      console.log(`- Load average (1/5/15 min): ${loadBefore} before, ${loadAverage()} after`);
      console.log(`- Command: npm run bench reminders -- ${args.join(' ')}`.trimEnd());
      console.log('');
      console.log(
        markdownTable(
          [
            'Scheduling',
            'Items',
            'Seconds',
            'Items/s',
            'Redis MiB before',
            'Redis MiB after',
            'Bytes/item',
            'Delayed jobs',
          ],
          schedule,
          [false, true, true, true, true, true, true, true],
        ),
      );
      console.log('');
      console.log(
        markdownTable(
          ['Worker processes', 'DMs received', 'Lag min ms', 'Lag p50 ms', 'Lag p99 ms', 'Lag max ms'],
          lagRows,
          [true, true, true, true, true, true],
        ),
      );
      return 0;
    },
    { signalMessage: 'cleaning up the reminder benchmark', cleanUp },
  );
}
