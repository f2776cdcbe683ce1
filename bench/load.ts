/**
 * Load benchmark: a busy incident day, end to end.
 *
 *   npm run bench load [-- --incidents 50 --updates-per-minute 10 --minutes 10
 *                          --reads-per-second 500 --workers 1 --no-build]
 *
 * Runs the built app as production does (bench/support/app-processes.ts: one `web` and --workers
 * `worker` processes, LOG_LEVEL=warn, a database and Redis prefix of their own, the fake Slack Web
 * API served from this process). Declares --incidents incidents through signed declare-modal
 * submissions and waits until each has its channel. Then, for --minutes, every incident gets
 * --updates-per-minute signed update-modal submissions (evenly spaced, each incident starting at a
 * random moment of the first interval; each message carries a unique marker), while autocannon
 * reads the status page (/, /api/v2/summary.json, /api/v2/incidents.json in turn) at
 * --reads-per-second.
 *
 * Reports: ack latency of the updates; publish lag (the update's `postedAt`, stamped by the web
 * process on submission, to its `publishedAt`, stamped by the publishing job); Slack lag (sending
 * the submission to the incident-channel post reaching the fake Slack, seen by a 50 ms poller);
 * chat.postMessage calls per channel (most in any one-second window, worst channel, and the
 * announcements channel, which gets a thread reply for every update); the status page reads;
 * CPU and resident memory of every process; and whether every update was stored, posted in its
 * channel and published exactly once. Printed, never asserted: copy the report into BENCHMARKS.md.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import type { Pool } from 'pg';
import { ANNOUNCEMENTS_CHANNEL } from '../test/support/slack-e2e';
import { appProcesses, drainOutbox, type AppProcesses } from './support/app-processes';
import { buildApp, processCpuSeconds } from './support/child';
import { runWithCleanup } from './support/cleanup';
import { sleep } from './support/poll';
import { fixed, loadAverage, machineDescription, markdownTable, percentile } from './support/report';
import { sendDeclare, sendUpdate } from './support/submissions';

const DEFAULTS = { incidents: 50, updatesPerMinute: 10, minutes: 10, readsPerSecond: 500, workers: 1 };
const READ_CONNECTIONS = 16;
const CALL_POLL_MS = 50;
const SAMPLE_MS = 1000;
const SETUP_TIMEOUT_MS = 120_000;
const DRAIN_TIMEOUT_MS = 300_000;
const EXIT_USAGE = 2;

type NumericOption = keyof typeof DEFAULTS;
interface Options extends Record<NumericOption, number> {
  build: boolean;
}

const FLAGS: Record<string, NumericOption> = {
  '--incidents': 'incidents',
  '--updates-per-minute': 'updatesPerMinute',
  '--minutes': 'minutes',
  '--reads-per-second': 'readsPerSecond',
  '--workers': 'workers',
};

const USAGE = `Usage: npm run bench -- load [--incidents N] [--updates-per-minute N] [--minutes N]
                              [--reads-per-second N] [--workers N] [--no-build]
Defaults: ${Object.entries(FLAGS)
  .map(([flag, key]) => `${flag} ${DEFAULTS[key]}`)
  .join(', ')}`;

function parseOptions(args: string[]): Options | string {
  const options: Options = { ...DEFAULTS, build: true };
  for (let i = 0; i < args.length; i++) {
    const [flag = '', inline] = (args[i] ?? '').split('=', 2);
    if (flag === '--no-build') {
      options.build = false;
      continue;
    }
    const key = FLAGS[flag];
    if (!key) return `Unknown option: ${flag}`;
    const value = Number(inline ?? args[++i]);
    if (!(value > 0) || !Number.isFinite(value)) return `${flag} expects a positive number`;
    options[key] = value;
  }
  return options;
}

let stopping = false;

/** Every fake Slack call with the moment this process first saw it. */
interface SeenCall {
  method: string;
  args: Record<string, unknown>;
  at: number;
}

function watchCalls(w: AppProcesses, seen: SeenCall[]): () => void {
  let next = 0;
  const poll = () => {
    const now = Date.now();
    for (; next < w.fake.calls.length; next++) {
      const call = w.fake.calls[next]!;
      seen.push({ method: call.method, args: call.args, at: now });
    }
  };
  const timer = setInterval(poll, CALL_POLL_MS);
  return () => {
    clearInterval(timer);
    poll();
  };
}

function residentMiB(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (!stopping) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
  throw new Error('stopped');
}

async function declareIncidents(w: AppProcesses, count: number): Promise<string[]> {
  for (let i = 1; i <= count; i++) {
    const response = await sendDeclare(w.baseUrl, `V-load-${i}`, `Load incident ${i}: checkout errors`);
    if (response.status !== 200) throw new Error(`declare ${i}: HTTP ${response.status}`);
  }
  const rows = await waitFor(
    `${count} incidents with their channels`,
    async () => {
      const result = await w.pool.query<{ id: string }>(
        `SELECT id FROM "Incident" WHERE "slackChannelId" IS NOT NULL ORDER BY number`,
      );
      return result.rows.length >= count ? result.rows : undefined;
    },
    SETUP_TIMEOUT_MS,
  );
  return rows.map((row) => row.id);
}

interface SentUpdate {
  marker: string;
  sentAt: number;
  ackMs: number;
  status: number;
}

async function updateStream(
  w: AppProcesses,
  incidentId: string,
  index: number,
  options: Options,
  endAt: number,
  sent: SentUpdate[],
): Promise<void> {
  const intervalMs = 60_000 / options.updatesPerMinute;
  let due = Date.now() + Math.random() * intervalMs;
  for (let n = 1; !stopping; n++) {
    await sleep(Math.max(0, due - Date.now()));
    if (stopping || Date.now() >= endAt) return;
    const marker = `load-${index}-${n}`;
    const sentAt = Date.now();
    const started = process.hrtime.bigint();
    let status: number;
    try {
      const response = await sendUpdate(w.baseUrl, {
        viewId: `V-load-${index}-update-${n}`,
        incidentId,
        stage: 'identified',
        message: `Still working on it (${marker}).`,
      });
      await response.text();
      status = response.status;
    } catch {
      status = 0; // no response at all
    }
    sent.push({ marker, sentAt, ackMs: Number(process.hrtime.bigint() - started) / 1e6, status });
    due += intervalMs;
  }
}

function readStatusPage(baseUrl: string, options: Options, seconds: number): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: baseUrl,
        connections: READ_CONNECTIONS,
        overallRate: options.readsPerSecond,
        duration: seconds,
        requests: [{ path: '/' }, { path: '/api/v2/summary.json' }, { path: '/api/v2/incidents.json' }],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    const stop = setInterval(() => {
      if (stopping) instance.stop();
    }, 500);
    instance.on('done', () => clearInterval(stop));
  });
}

/** Most calls in any window of `windowMs` (the timestamps sorted ascending). */
function busiestWindow(times: number[], windowMs: number): number {
  let best = 0;
  for (let start = 0, end = 0; end < times.length; end++) {
    while (times[end]! - times[start]! >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

const stats = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
};
const statRow = (label: string, values: number[]) => {
  const s = stats(values);
  return [label, String(s.count), fixed(s.p50), fixed(s.p95), fixed(s.p99), fixed(s.max)];
};

async function publishLags(pool: Pool): Promise<{ lags: number[]; unpublished: number; duplicates: number }> {
  const rows = (
    await pool.query<{ marker: string; posted: Date; published: Date | null }>(
      `SELECT substring("publicMessage" from '\\((load-[0-9]+-[0-9]+)\\)') AS marker,
              "postedAt" AS posted, "publishedAt" AS published
         FROM "IncidentUpdate" WHERE "publicMessage" LIKE 'Still working on it (load-%'`,
    )
  ).rows;
  const markers = new Set(rows.map((row) => row.marker));
  return {
    lags: rows.filter((r) => r.published).map((r) => r.published!.getTime() - r.posted.getTime()),
    unpublished: rows.filter((r) => !r.published).length,
    duplicates: rows.length - markers.size,
  };
}

async function measure(options: Options, app: ReturnType<typeof appProcesses>): Promise<number> {
  const log = (message: string) => console.error(message);
  const date = new Date().toISOString();
  const loadBefore = loadAverage();
  const w = await app.start();
  log(`App at ${w.baseUrl} (1 web, ${options.workers} worker); declaring ${options.incidents} incidents ...`);
  // Watched from the start, so the declarations' posts are timed as they happen too.
  const calls: SeenCall[] = [];
  const stopWatching = watchCalls(w, calls);
  const incidentIds = await declareIncidents(w, options.incidents);

  const seconds = Math.round(options.minutes * 60);
  log(
    `Load: ${options.updatesPerMinute} updates/min per incident, ${options.readsPerSecond} reads/s, ${seconds} s ...`,
  );
  const tracked = [
    { name: 'benchmark (clients, readers, fake Slack)', pid: process.pid },
    ...w.processes.map((p, i) => ({ name: i === 0 ? 'web' : `worker ${i}`, pid: p.child.process.pid ?? 0 })),
  ];
  const cpuBefore = tracked.map((p) => processCpuSeconds(p.pid));
  const memory = tracked.map(() => [] as number[]);
  const sampler = setInterval(
    () => tracked.forEach((p, i) => memory[i]!.push(residentMiB(p.pid))),
    SAMPLE_MS,
  );
  const started = Date.now();
  const sent: SentUpdate[] = [];
  const progress = setInterval(
    () => log(`  ${Math.round((Date.now() - started) / 1000)} s: ${sent.length} updates sent`),
    30_000,
  );
  const endAt = started + seconds * 1000;
  let reads: autocannon.Result;
  try {
    [reads] = await Promise.all([
      readStatusPage(w.baseUrl, options, seconds),
      ...incidentIds.map((id, i) => updateStream(w, id, i + 1, options, endAt, sent)),
    ]);
  } finally {
    clearInterval(progress);
    clearInterval(sampler);
  }
  const elapsed = (Date.now() - started) / 1000;
  const cpu = tracked.map((p, i) => ((processCpuSeconds(p.pid) - cpuBefore[i]!) / elapsed) * 100);
  const loadAfter = loadAverage();
  log('Waiting for the workers to drain the outbox ...');
  const drainMs = await drainOutbox(w.pool, DRAIN_TIMEOUT_MS, () => stopping);
  await sleep(500);
  stopWatching();

  const sentAt = new Map(sent.map((s) => [s.marker, s.sentAt]));
  const posts = calls.filter((c) => c.method === 'chat.postMessage');
  const channelPosts = new Map<string, number>();
  const slackLags: number[] = [];
  for (const post of posts) {
    const marker = /\((load-\d+-\d+)\)/.exec(String(post.args.text ?? ''))?.[1];
    if (!marker || post.args.channel === ANNOUNCEMENTS_CHANNEL) continue;
    channelPosts.set(marker, (channelPosts.get(marker) ?? 0) + 1);
    if ((channelPosts.get(marker) ?? 0) === 1) slackLags.push(post.at - (sentAt.get(marker) ?? post.at));
  }
  const acked = sent.filter((s) => s.status === 200);
  const neverPosted = acked.filter((s) => !channelPosts.has(s.marker)).length;
  const postedTwice = [...channelPosts.values()].filter((n) => n > 1).length;
  const publish = await publishLags(w.pool);

  const byChannel = new Map<string, number[]>();
  for (const post of posts) {
    const channel = String(post.args.channel);
    byChannel.set(channel, [...(byChannel.get(channel) ?? []), post.at]);
  }
  // Slack allows short bursts over one message a second per channel; the 10 s window shows the
  // sustained rate.
  const windows = [...byChannel].map(([channel, times]) => ({
    channel,
    inOne: busiestWindow(times, 1000),
    inTen: busiestWindow(times, 10_000),
  }));
  const worst = windows.reduce((a, b) => (b.inTen > a.inTen ? b : a), { channel: '-', inOne: 0, inTen: 0 });
  const announcements = windows.find((x) => x.channel === ANNOUNCEMENTS_CHANNEL);
  const overSustained = windows.filter((x) => x.inTen > 10).length;

  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  const lines = [
    '## Load (`npm run bench load`)',
    '',
    `Date: ${date}`,
    `Machine: ${machineDescription()}`,
    `Load average (1/5/15 min): ${loadBefore} before, ${loadAfter} after`,
    `Run: ${options.incidents} incidents × ${options.updatesPerMinute} updates/min for ${fixed(elapsed, 0)} s ` +
      `(${sent.length} update submissions), status page read at ${options.readsPerSecond}/s target by ` +
      `${READ_CONNECTIONS} connections; 1 web + ${options.workers} worker process(es); outbox ${Number.isNaN(drainMs) ? `NOT drained within ${DRAIN_TIMEOUT_MS / 1000} s` : `drained ${fixed(drainMs / 1000)} s`} after the load stopped.`,
    '',
    markdownTable(
      ['Measure (ms)', 'Count', 'p50', 'p95', 'p99', 'max'],
      [
        statRow(
          'update ack',
          sent.map((s) => s.ackMs),
        ),
        statRow('publish lag (postedAt → publishedAt)', publish.lags),
        statRow('Slack lag (sent → channel post seen)', slackLags),
        [
          'status page read',
          String(reads.requests.total),
          fixed(reads.latency.p50),
          fixed(reads.latency.p97_5),
          fixed(reads.latency.p99),
          fixed(reads.latency.max),
        ],
      ],
      [false, true, true, true, true, true],
    ),
    '(status page read: autocannon\'s latency percentiles; its "p95" column is p97.5)',
    '',
    `Updates: ${sent.length} sent, ${acked.length} acked 200, ${sent.length - acked.length} errors; ` +
      `stored twice ${publish.duplicates}; not published ${publish.unpublished}; ` +
      `never posted in their channel ${neverPosted}; posted twice ${postedTwice}.`,
    `Status page reads: ${fixed(reads.requests.average, 0)} req/s mean, ${reads.non2xx} non-2xx, ${reads.errors} errors, ${reads.timeouts} timeouts.`,
    `chat.postMessage per channel, most in any 10 s / 1 s window: busiest channel ${worst.channel} ${worst.inTen} / ${worst.inOne}; ` +
      `announcements channel ${announcements?.inTen ?? 0} / ${announcements?.inOne ?? 0}; ` +
      `channels over 10 in some 10 s window: ${overSustained} of ${windows.length}.`,
    '',
    markdownTable(
      ['Process', 'CPU % of a core', 'RSS mean MiB', 'RSS max MiB'],
      tracked.map((p, i) => [
        p.name,
        fixed(cpu[i]!, 0),
        fixed(mean(memory[i]!.filter(Number.isFinite))),
        fixed(Math.max(...memory[i]!.filter(Number.isFinite))),
      ]),
      [false, true, true, true],
    ),
  ];
  console.log(`\n${lines.join('\n')}`);
  return 0;
}

export async function run(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const options = parseOptions(args);
  if (typeof options === 'string') {
    console.error(`${options}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  if (!buildApp(options.build, ['ignore', 2, 2])) return 1;
  const app = appProcesses({
    databaseLabel: 'bench_load',
    redisLabel: 'bench-load',
    workers: options.workers,
    pool: { max: 4, applicationName: 'sitrep-bench-load' },
    stopped: () => stopping,
  });
  const stop = () => {
    stopping = true;
  };
  return runWithCleanup(() => measure(options, app), {
    signalMessage: 'stopping the load and the app, dropping the database',
    onSignal: stop,
    onFinish: stop,
    cleanUp: app.cleanUp,
  });
}
