/**
 * Slack ack benchmark: how fast the running app acknowledges signed Slack requests under load.
 *
 *   npm run bench slack [-- --seconds N --clients N --workers N --no-build]
 *
 * Builds the app and runs it the way production does (bench/support/app-processes.ts): one
 * `node dist/main.js web` process and --workers `node dist/main.js worker` processes, LOG_LEVEL=warn,
 * on a migrated database of their own and a Redis prefix of their own, with the fake Slack Web API
 * (test/support/fake-slack.ts) served from this process on 127.0.0.1. This process only sends the
 * requests and serves the fake Slack.
 *
 * Each client loops:
 *   1. a signed declare-modal `view_submission` with a view id of its own (`V-bench-<client>-<n>`);
 *      1 in 20 declares is delivered twice with the same view id, alternately at the same time as
 *      the first delivery and right after its ack;
 *   2. waits until the incident is stored, by idempotency key `view:<viewId>` (one query every
 *      5 ms asks for all waiting clients; not an ack; reported separately as "stored after the ack");
 *   3. a signed update-modal `view_submission` for that incident (stage Identified, a public message,
 *      notify on; private_metadata `{"incidentId": <id>, "version": 1}`), view id `<viewId>-update`.
 * Ack latency = from just before the request is built and signed until its response body is read,
 * measured with process.hrtime.bigint(). Clients start no new loop after --seconds; requests in
 * flight then finish and are counted.
 *
 * Afterwards, once the workers have drained the outbox, the database is checked: exactly one
 * incident per declare view id (no duplicates, none missing) and one update per update view id.
 * The report includes each process's CPU use (from /proc) and the app's PostgreSQL connections,
 * to show where the time goes.
 *
 * Cleanup (also on failure and on SIGINT/SIGTERM): stop the processes, close the fake Slack, drop
 * the database, delete the Redis keys under the run's prefix. Only 127.0.0.1 is contacted.
 * Results are printed, never asserted: copy them into BENCHMARKS.md.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Pool } from 'pg';
import { callsByMethod } from './support/app';
import { appProcesses, drainOutbox, type AppProcesses } from './support/app-processes';
import { buildApp, processCpuSeconds } from './support/child';
import { runWithCleanup } from './support/cleanup';
import { sendDeclare, sendUpdate } from './support/submissions';
import { sleep } from './support/poll';
import { loadAverage, machineDescription, markdownTable, percentile } from './support/report';

const DEFAULT_SECONDS = 30;
const DEFAULT_CLIENTS = 50;
const DEFAULT_WORKERS = 1;
/** How long a declared incident may take to be stored before the loop gives up on it. */
const STORE_TIMEOUT_MS = 30_000;
const STORE_POLL_MS = 5;
/** How long the workers get to drain the outbox after the clients stop. */
const DRAIN_TIMEOUT_MS = 120_000;
const DUPLICATE_EVERY = 20;
const WARM_UP_LOOPS = 5;
const TARGET_P99_MS = 100;
const TARGET_CLIENTS = 50;
/** Slack shows the user an error when the ack takes longer than this. */
const SLACK_ACK_LIMIT_MS = 3000;
const SAMPLE_INTERVAL_MS = 500;
/** Event-loop delay sampling interval; the histogram's values include it, so it is subtracted. */
const EVENT_LOOP_RESOLUTION_MS = 10;
const BENCH_APPLICATION_NAME = 'sitrep-bench-slack';
const EXIT_USAGE = 2;

interface Options {
  seconds: number;
  clients: number;
  /** Worker processes beside the one web process. */
  workers: number;
  /** Seconds all clients loop, unmeasured, after the sequential warm-up loops (0: none). */
  warmUpSeconds: number;
  build: boolean;
}

const USAGE = `Usage: npm run bench -- slack [--seconds N] [--clients N] [--workers N] [--warm-up-seconds N] [--no-build]

  --seconds N   how long clients start new loops (default ${DEFAULT_SECONDS})
  --clients N   concurrent clients (default ${DEFAULT_CLIENTS})
  --workers N   worker processes beside the web process (default ${DEFAULT_WORKERS})
  --warm-up-seconds N
                after the ${WARM_UP_LOOPS} sequential warm-up loops, all clients loop for N s, unmeasured
                but reported, before the measured run starts them together again (default 0)
  --no-build    use dist/ as it is instead of running npm run build first`;

function parseOptions(args: string[]): Options | string {
  const options: Options = {
    seconds: DEFAULT_SECONDS,
    clients: DEFAULT_CLIENTS,
    workers: DEFAULT_WORKERS,
    warmUpSeconds: 0,
    build: true,
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--no-build') {
      options.build = false;
      continue;
    }
    const match = /^--(seconds|clients|workers|warm-up-seconds)(?:=(.*))?$/.exec(arg);
    if (!match) return `Unknown option: ${arg}`;
    const value = match[2] ?? args[++i];
    const number = Number(value);
    if (match[1] === 'warm-up-seconds') {
      if (!Number.isInteger(number) || number < 0)
        return `--warm-up-seconds expects a whole number of seconds, got ${value}`;
      options.warmUpSeconds = number;
      continue;
    }
    const name = match[1] as 'seconds' | 'clients' | 'workers';
    if (!Number.isInteger(number) || number < 1) return `--${name} expects a positive integer, got ${value}`;
    options[name] = number;
  }
  return options;
}

// ---------------------------------------------------------------------------------------------
// The world: database, fake Slack, app processes (bench/support/app-processes.ts).

let stopping = false;

function startWorld(options: Options) {
  return appProcesses({
    databaseLabel: 'bench_slack',
    redisLabel: 'bench-slack',
    workers: options.workers,
    pool: { max: 4, applicationName: BENCH_APPLICATION_NAME },
    stopped: () => stopping,
  });
}

// ---------------------------------------------------------------------------------------------
// Load.

type Kind = 'declare' | 'duplicate declare' | 'update';

interface Sample {
  kind: Kind;
  ms: number;
  /** When the request was sent, in ms from the start of the measured run (process.hrtime). */
  sentAtMs: number;
  /** HTTP status, or 0 when the request failed without a response. */
  status: number;
  /** 2xx, but the body was `response_action: errors` (the modal would stay open with an error). */
  rejected: boolean;
  error?: string;
}

interface Tally {
  samples: Sample[];
  /** Every declare view id sent (each exactly once as a first delivery). */
  declareViewIds: Set<string>;
  updateViewIds: Set<string>;
  /** Declares acked OK whose incident was not stored within STORE_TIMEOUT_MS. */
  lookupMisses: number;
  /** ms from a declare's ack until its incident could be read from the database. */
  storedAfterAckMs: number[];
  firstError?: string;
  firstRejection?: string;
}

function newTally(): Tally {
  return {
    samples: [],
    declareViewIds: new Set(),
    updateViewIds: new Set(),
    lookupMisses: 0,
    storedAfterAckMs: [],
  };
}

let declareCounter = 0;
/** Start of the measured run; the warm-up's samples are sent before it (negative sentAtMs). */
let runStarted = process.hrtime.bigint();

const isOk = (sample: Sample) => sample.status >= 200 && sample.status < 300;

async function timed(kind: Kind, tally: Tally, send: () => Promise<Response>): Promise<Sample> {
  const started = process.hrtime.bigint();
  const sentAtMs = Number(started - runStarted) / 1e6;
  let sample: Sample;
  try {
    const response = await send();
    const body = await response.text();
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const rejected = response.ok && body.includes('"response_action":"errors"');
    sample = { kind, ms, sentAtMs, status: response.status, rejected };
    if (!response.ok) sample.error = `HTTP ${response.status}: ${body.slice(0, 200)}`;
    if (rejected) tally.firstRejection ??= `${kind}: ${body.slice(0, 300)}`;
  } catch (error) {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    sample = { kind, ms, sentAtMs, status: 0, rejected: false, error: (error as Error).message };
  }
  if (sample.error) tally.firstError ??= `${kind}: ${sample.error}`;
  tally.samples.push(sample);
  return sample;
}

interface Waiter {
  key: string;
  deadline: number;
  resolve: (id: string | undefined) => void;
}

const waiters = new Set<Waiter>();
let watching: Promise<void> | undefined;

/**
 * One query every STORE_POLL_MS for every client still waiting: 50 clients polling on their own
 * made the load generator, not the app, PostgreSQL's busiest client (about 10,000 queries a second).
 */
async function watchStoredIncidents(pool: Pool): Promise<void> {
  while (waiters.size > 0) {
    const now = Date.now();
    for (const waiter of waiters) {
      if (stopping || now >= waiter.deadline) {
        waiters.delete(waiter);
        waiter.resolve(undefined);
      }
    }
    const pending = [...waiters];
    if (pending.length > 0) {
      const found = new Map<string, string>();
      try {
        const result = await pool.query<{ key: string; id: string }>(
          'SELECT "idempotencyKey" AS key, id FROM "Incident" WHERE "idempotencyKey" = ANY($1::text[])',
          [pending.map((waiter) => waiter.key)],
        );
        for (const row of result.rows) found.set(row.key, row.id);
      } catch {
        // the next poll asks again; a waiter that is never answered times out
      }
      for (const waiter of pending) {
        const id = found.get(waiter.key);
        if (id === undefined) continue;
        waiters.delete(waiter);
        waiter.resolve(id);
      }
    }
    await sleep(STORE_POLL_MS);
  }
  watching = undefined;
}

/** Resolves once the declared incident is stored; undefined after STORE_TIMEOUT_MS. */
function storedIncidentId(pool: Pool, viewId: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    waiters.add({ key: `view:${viewId}`, deadline: Date.now() + STORE_TIMEOUT_MS, resolve });
    watching ??= watchStoredIncidents(pool);
  });
}

/** One declare (maybe delivered twice), then one update of the incident it declared. */
async function loop(w: AppProcesses, tally: Tally, client: string, n: number): Promise<void> {
  const viewId = `V-bench-${client}-${n}`;
  const title = `Bench ${client}-${n} checkout errors`;
  tally.declareViewIds.add(viewId);
  declareCounter += 1;
  const duplicate = declareCounter % DUPLICATE_EVERY === 0;
  const together = duplicate && (declareCounter / DUPLICATE_EVERY) % 2 === 1;
  const send = () => sendDeclare(w.baseUrl, viewId, title);
  let first: Sample;
  if (together) {
    [first] = await Promise.all([timed('declare', tally, send), timed('duplicate declare', tally, send)]);
  } else {
    first = await timed('declare', tally, send);
    if (duplicate) await timed('duplicate declare', tally, send);
  }
  if (!isOk(first) || first.rejected || stopping) return;

  const acked = process.hrtime.bigint();
  const incidentId = await storedIncidentId(w.pool, viewId);
  if (!incidentId) {
    if (!stopping) tally.lookupMisses += 1;
    return;
  }
  tally.storedAfterAckMs.push(Number(process.hrtime.bigint() - acked) / 1e6);
  const updateViewId = `${viewId}-update`;
  tally.updateViewIds.add(updateViewId);
  await timed('update', tally, () =>
    sendUpdate(w.baseUrl, {
      viewId: updateViewId,
      incidentId,
      stage: 'identified',
      message: 'We found the cause and are working on a fix.',
    }),
  );
}

async function client(
  w: AppProcesses,
  tally: Tally,
  index: number,
  deadline: bigint,
  label = 'c',
): Promise<void> {
  for (let n = 1; !stopping && process.hrtime.bigint() < deadline; n++) {
    await loop(w, tally, `${label}${index}`, n);
  }
}

// ---------------------------------------------------------------------------------------------
// Where the time goes: PostgreSQL connections of the app, sampled during the run.

interface ConnectionSample {
  total: number;
  active: number;
  /** Inside a transaction, waiting for the app to send the next statement. */
  idleInTransaction: number;
  waitingOnLock: number;
}

function sampleConnections(pool: Pool, database: string, samples: ConnectionSample[]): () => Promise<void> {
  let running = true;
  const done = (async () => {
    while (running) {
      try {
        const result = await pool.query<{ total: string; active: string; idle_tx: string; waiting: string }>(
          `SELECT count(*) AS total,
                  count(*) FILTER (WHERE state = 'active') AS active,
                  count(*) FILTER (WHERE state = 'idle in transaction') AS idle_tx,
                  count(*) FILTER (WHERE wait_event_type = 'Lock') AS waiting
             FROM pg_stat_activity
            WHERE datname = $1 AND application_name <> $2`,
          [database, BENCH_APPLICATION_NAME],
        );
        const row = result.rows[0];
        if (row)
          samples.push({
            total: Number(row.total),
            active: Number(row.active),
            idleInTransaction: Number(row.idle_tx),
            waitingOnLock: Number(row.waiting),
          });
      } catch {
        // a missed sample is not worth failing the run over
      }
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_INTERVAL_MS));
    }
  })();
  return async () => {
    running = false;
    await done;
  };
}

// ---------------------------------------------------------------------------------------------
// Statistics and report.

const fixed = (value: number, digits = 1) => (Number.isNaN(value) ? '-' : value.toFixed(digits));

function latencyRow(label: string, samples: Sample[], seconds: number): string[] {
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  return [
    label,
    String(samples.length),
    fixed(samples.length / seconds),
    fixed(percentile(sorted, 50)),
    fixed(percentile(sorted, 95)),
    fixed(percentile(sorted, 99)),
    fixed(sorted[sorted.length - 1] ?? Number.NaN),
  ];
}

function concurrentWarmUpLine(warmUp: { seconds: number; samples: Sample[] }): string {
  const sorted = warmUp.samples.map((s) => s.ms).sort((a, b) => a - b);
  const firstSecond = warmUp.samples.filter((s) => s.sentAtMs < 1000).map((s) => s.ms);
  return (
    `Concurrent warm-up (not in the figures below): ${warmUp.samples.length} requests in ${fixed(warmUp.seconds, 1)} s, ` +
    `ack p50 ${fixed(percentile(sorted, 50))} ms, p99 ${fixed(percentile(sorted, 99))} ms, ` +
    `max ${fixed(sorted[sorted.length - 1] ?? Number.NaN)} ms; its first second's ${firstSecond.length} acks ` +
    `(the clients' first simultaneous declarations) max ${fixed(Math.max(...firstSecond))} ms`
  );
}

function commandLine(options: Options): string {
  const flags = [
    ...(options.seconds === DEFAULT_SECONDS ? [] : [`--seconds ${options.seconds}`]),
    ...(options.clients === DEFAULT_CLIENTS ? [] : [`--clients ${options.clients}`]),
    ...(options.workers === DEFAULT_WORKERS ? [] : [`--workers ${options.workers}`]),
    ...(options.warmUpSeconds === 0 ? [] : [`--warm-up-seconds ${options.warmUpSeconds}`]),
  ];
  return flags.length === 0 ? 'npm run bench slack' : `npm run bench -- slack ${flags.join(' ')}`;
}

interface Verification {
  incidents: number;
  duplicateIncidents: number;
  missingIncidents: number;
  strayIncidents: number;
  updates: number;
  duplicateUpdates: number;
  missingUpdates: number;
  outbox: Record<string, number>;
}

async function verify(pool: Pool, tally: Tally): Promise<Verification> {
  const incidentRows = (
    await pool.query<{ key: string | null; n: string }>(
      'SELECT "idempotencyKey" AS key, count(*) AS n FROM "Incident" GROUP BY 1',
    )
  ).rows;
  const keyCounts = new Map(incidentRows.map((row) => [row.key ?? '(null)', Number(row.n)]));
  const expected = new Set([...tally.declareViewIds].map((id) => `view:${id}`));
  let duplicateIncidents = 0;
  let strayIncidents = 0;
  for (const [key, n] of keyCounts) {
    duplicateIncidents += n - 1;
    if (!expected.has(key)) strayIncidents += n;
  }
  const missingIncidents = [...expected].filter((key) => !keyCounts.has(key)).length;

  const updateRows = (
    await pool.query<{ key: string; n: string }>(
      `SELECT "idempotencyKey" AS key, count(*) AS n FROM "IncidentUpdate"
        WHERE "idempotencyKey" IS NOT NULL GROUP BY 1`,
    )
  ).rows;
  const updateCounts = new Map(updateRows.map((row) => [row.key, Number(row.n)]));
  const duplicateUpdates = updateRows.reduce((sum, row) => sum + Number(row.n) - 1, 0);
  const okUpdateKeys = [...tally.updateViewIds].map((id) => `view:${id}`);
  const missingUpdates = okUpdateKeys.filter((key) => !updateCounts.has(key)).length;

  const outboxRows = (
    await pool.query<{ status: string; n: string }>(
      'SELECT status::text AS status, count(*) AS n FROM "OutboxMessage" GROUP BY 1 ORDER BY 1',
    )
  ).rows;
  return {
    incidents: incidentRows.reduce((sum, row) => sum + Number(row.n), 0),
    duplicateIncidents,
    missingIncidents,
    strayIncidents,
    updates: updateRows.reduce((sum, row) => sum + Number(row.n), 0),
    duplicateUpdates,
    missingUpdates,
    outbox: Object.fromEntries(outboxRows.map((row) => [row.status, Number(row.n)])),
  };
}

interface ProcessUse {
  name: string;
  pid: number;
  cpuPercent: number;
}

interface RunResult {
  options: Options;
  date: string;
  loadBefore: string;
  loadAfter: string;
  seconds: number;
  tally: Tally;
  warmUpLoops: number;
  /** Acks of the concurrent warm-up (--warm-up-seconds), reported apart from the measured run. */
  concurrentWarmUp?: { seconds: number; samples: Sample[] };
  /** Declare and update view ids sent, warm-up included (the database check covers both). */
  declareViewIds: number;
  updateViewIds: number;
  verification: Verification;
  /** ms after the clients stopped until the outbox had nothing left to do (NaN: it did not). */
  drainMs: number;
  eventLoop: { p50: number; p99: number; max: number };
  processes: ProcessUse[];
  connections: ConnectionSample[];
  fakeSlackCalls: Record<string, number>;
  problemLines: string[];
}

/** Whether the slow acks are the clients' simultaneous start or spread over the run. */
function slowAcksLine(samples: Sample[]): string {
  const slow = samples.filter((s) => s.ms >= TARGET_P99_MS);
  const firstSecond = slow.filter((s) => s.sentAtMs < 1000).length;
  const bySecond = new Map<number, number>();
  for (const s of slow)
    bySecond.set(Math.floor(s.sentAtMs / 1000), (bySecond.get(Math.floor(s.sentAtMs / 1000)) ?? 0) + 1);
  const busiest = [...bySecond]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([second, n]) => `${second} s: ${n}`)
    .join(', ');
  return (
    `Acks of ${TARGET_P99_MS} ms or more: ${slow.length}, of them sent in the run's first second: ${firstSecond}` +
    (busiest ? ` (busiest seconds by sending time: ${busiest})` : '')
  );
}

function report(r: RunResult): string {
  const { samples } = r.tally;
  const errors = samples.filter((s) => !isOk(s));
  const rejected = samples.filter((s) => s.rejected);
  const overSlackLimit = samples.filter((s) => s.ms > SLACK_ACK_LIMIT_MS).length;
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  const stored = [...r.tally.storedAfterAckMs].sort((a, b) => a - b);
  const p99 = percentile(sorted, 99);
  const duplicates = r.verification.duplicateIncidents + r.verification.duplicateUpdates;

  const table = markdownTable(
    ['Requests', 'Count', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
    [
      latencyRow('all', samples, r.seconds),
      ...(['declare', 'duplicate declare', 'update'] as const).map((kind) =>
        latencyRow(
          kind,
          samples.filter((s) => s.kind === kind),
          r.seconds,
        ),
      ),
    ],
    [false, true, true, true, true, true, true],
  );

  const conns = r.connections;
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  const connectionLine =
    conns.length === 0
      ? 'App PostgreSQL connections: no samples'
      : `App PostgreSQL connections (pg_stat_activity every ${SAMPLE_INTERVAL_MS} ms, ${conns.length} samples): ` +
        `open max ${Math.max(...conns.map((c) => c.total))}, ` +
        `active mean ${fixed(mean(conns.map((c) => c.active)))} / max ${Math.max(...conns.map((c) => c.active))}, ` +
        `idle in transaction mean ${fixed(mean(conns.map((c) => c.idleInTransaction)))} / max ${Math.max(...conns.map((c) => c.idleInTransaction))}, ` +
        `waiting on a lock max ${Math.max(...conns.map((c) => c.waitingOnLock))} (the app's pool holds at most 10)`;

  const verdict = (pass: boolean) => (pass ? 'PASS' : 'FAIL');
  const atTarget = r.options.clients === TARGET_CLIENTS;
  const pass = atTarget && p99 < TARGET_P99_MS && errors.length === 0 && duplicates === 0;
  const v = r.verification;
  const outbox = Object.entries(v.outbox)
    .map(([status, n]) => `${status} ${n}`)
    .join(', ');
  const calls = Object.entries(r.fakeSlackCalls)
    .map(([method, n]) => `${method} ${n}`)
    .join(', ');

  return [
    '## Slack acks (`npm run bench slack`)',
    '',
    `Date: ${r.date}`,
    `Machine: ${machineDescription()}`,
    `Load average (1/5/15 min): ${r.loadBefore} before, ${r.loadAfter} after`,
    `Command: ${commandLine(r.options)}`,
    `Run: one web process and ${r.options.workers} worker process${r.options.workers === 1 ? '' : 'es'} (node dist/main.js, LOG_LEVEL=warn), ${r.options.clients} client${r.options.clients === 1 ? '' : 's'} for ${r.options.seconds} s (${fixed(r.seconds, 2)} s until the last response), ` +
      `after ${r.warmUpLoops} unmeasured warm-up loops${r.concurrentWarmUp ? ` and ${r.options.clients} clients looping for ${r.options.warmUpSeconds} s, also unmeasured` : ''}; each loop = declare view_submission ` +
      `(1 in ${DUPLICATE_EVERY} delivered twice) + update view_submission; percentiles are nearest-rank.`,
    '',
    table,
    '',
    ...(r.concurrentWarmUp ? [concurrentWarmUpLine(r.concurrentWarmUp), ''] : []),
    `Requests total: ${samples.length}`,
    `Throughput: ${fixed(samples.length / r.seconds)} req/s`,
    `Ack latency: p50 ${fixed(percentile(sorted, 50))} ms, p95 ${fixed(percentile(sorted, 95))} ms, ` +
      `p99 ${fixed(p99)} ms, max ${fixed(sorted[sorted.length - 1] ?? Number.NaN)} ms`,
    `Errors (non-2xx or no response): ${errors.length}` +
      (r.tally.firstError ? ` (first: ${r.tally.firstError})` : ''),
    `Rejected (2xx with response_action errors): ${rejected.length}` +
      (r.tally.firstRejection ? ` (first: ${r.tally.firstRejection})` : ''),
    `Acks slower than Slack's ${SLACK_ACK_LIMIT_MS} ms: ${overSlackLimit}`,
    slowAcksLine(samples),
    `Duplicates found: ${duplicates} (incidents ${v.incidents} for ${r.declareViewIds} unique declare view ids, warm-up included: ` +
      `${v.duplicateIncidents} duplicate, ${v.missingIncidents} missing, ${v.strayIncidents} unexpected; ` +
      `updates ${v.updates} for ${r.updateViewIds} update view ids: ${v.duplicateUpdates} duplicate, ${v.missingUpdates} missing; ` +
      `incident lookups that found nothing: ${r.tally.lookupMisses})`,
    '',
    `Stored after the ack (declare acked → incident readable, polled every ${STORE_POLL_MS} ms): ` +
      `p50 ${fixed(percentile(stored, 50))} ms, p95 ${fixed(percentile(stored, 95))} ms, ` +
      `p99 ${fixed(percentile(stored, 99))} ms, max ${fixed(stored[stored.length - 1] ?? Number.NaN)} ms (${stored.length} incidents)`,
    `Outbox drained ${Number.isNaN(r.drainMs) ? `NOT within ${DRAIN_TIMEOUT_MS} ms` : `${fixed(r.drainMs, 0)} ms`} after the clients stopped`,
    '',
    'Where the time goes:',
    ...r.processes.map(
      (p) =>
        `  ${p.name} (pid ${p.pid}): ${fixed(p.cpuPercent, 0)}% of one core on average during the measured run`,
    ),
    `  This process's event-loop delay (how late a ${EVENT_LOOP_RESOLUTION_MS} ms timer ran): p50 ${fixed(r.eventLoop.p50)} ms, p99 ${fixed(r.eventLoop.p99)} ms, max ${fixed(r.eventLoop.max)} ms`,
    `  ${connectionLine}`,
    `  Outbox at the end: ${outbox || 'empty'}; fake Slack calls: ${calls || 'none'}`,
    `  App output lines at warn or above (of the last 50 lines each process printed): ${r.problemLines.length}` +
      (r.problemLines[0] ? ` (first: ${r.problemLines[0].slice(0, 300)})` : ''),
    '',
    `Target: p99 ack under ${TARGET_P99_MS} ms at ${TARGET_CLIENTS} concurrent clients, zero errors, zero duplicates.`,
    `  p99 ${fixed(p99)} ms: ${verdict(p99 < TARGET_P99_MS)}`,
    `  errors ${errors.length}: ${verdict(errors.length === 0)}`,
    `  duplicates ${duplicates}: ${verdict(duplicates === 0)}`,
    atTarget
      ? `  Overall: ${verdict(pass)}`
      : `  Overall: not comparable (the target is defined at ${TARGET_CLIENTS} clients; this run: ${r.options.clients})`,
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------

/** How late a timer ran, in ms, from a monitorEventLoopDelay value (ns, interval included). */
const lateBy = (ns: number) => Math.max(0, ns / 1e6 - EVENT_LOOP_RESOLUTION_MS);

const PROBLEM_LINE = /"level":(40|50|60)\b/;

async function measure(options: Options, app: ReturnType<typeof startWorld>): Promise<number> {
  const log = (message: string) => console.error(message);
  const date = new Date().toISOString();
  const loadBefore = loadAverage();
  log(`Starting the app (1 web, ${options.workers} worker) with a fake Slack on 127.0.0.1 ...`);
  const w = await app.start();
  log(`App listening at ${w.baseUrl}, database ${w.db.name}, Redis prefix ${w.redisPrefix}`);

  const warmUp = newTally();
  for (let n = 1; n <= WARM_UP_LOOPS && !stopping; n++) await loop(w, warmUp, 'warmup', n);
  if (stopping) return 130;
  let concurrentWarmUp: RunResult['concurrentWarmUp'];
  if (options.warmUpSeconds > 0) {
    log(`Warming up: ${options.clients} clients for ${options.warmUpSeconds} s, unmeasured ...`);
    const sequentialSamples = warmUp.samples.length;
    const warmUpStarted = process.hrtime.bigint();
    runStarted = warmUpStarted;
    const warmUpDeadline = warmUpStarted + BigInt(options.warmUpSeconds) * 1_000_000_000n;
    await Promise.all(
      Array.from({ length: options.clients }, (_, i) => client(w, warmUp, i + 1, warmUpDeadline, 'w')),
    );
    concurrentWarmUp = {
      seconds: Number(process.hrtime.bigint() - warmUpStarted) / 1e9,
      samples: warmUp.samples.slice(sequentialSamples),
    };
  }
  if (stopping) return 130;
  declareCounter = 0;

  log(`Measuring: ${options.clients} clients for ${options.seconds} s ...`);
  const tally = newTally();
  const connections: ConnectionSample[] = [];
  const stopSampling = sampleConnections(w.pool, w.db.name, connections);
  const eventLoop = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
  eventLoop.enable();
  const tracked = [
    { name: 'benchmark (clients + fake Slack)', pid: process.pid },
    ...w.processes.map((p, i) => ({
      name: `${p.role}${p.role === 'worker' ? ` ${i}` : ''}`,
      pid: p.child.process.pid ?? 0,
    })),
  ];
  const cpuBefore = tracked.map((p) => processCpuSeconds(p.pid));
  const started = process.hrtime.bigint();
  runStarted = started;
  const deadline = started + BigInt(options.seconds) * 1_000_000_000n;
  const progress = setInterval(() => {
    const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
    log(`  ${elapsed.toFixed(0)} s: ${tally.samples.length} requests`);
  }, 5000);
  try {
    await Promise.all(Array.from({ length: options.clients }, (_, i) => client(w, tally, i + 1, deadline)));
  } finally {
    clearInterval(progress);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const processes = tracked.map((p, i) => ({
    ...p,
    cpuPercent: ((processCpuSeconds(p.pid) - (cpuBefore[i] ?? 0)) / seconds) * 100,
  }));
  eventLoop.disable();
  await stopSampling();
  if (stopping) return 130;
  const loadAfter = loadAverage();
  log('Waiting for the workers to drain the outbox ...');
  const drainMs = await drainOutbox(w.pool, DRAIN_TIMEOUT_MS, () => stopping);

  // Warm-up declares are real incidents too: check them with the rest.
  const all: Tally = {
    ...tally,
    declareViewIds: new Set([...warmUp.declareViewIds, ...tally.declareViewIds]),
    updateViewIds: new Set([...warmUp.updateViewIds, ...tally.updateViewIds]),
    lookupMisses: warmUp.lookupMisses + tally.lookupMisses,
  };
  const verification = await verify(w.pool, all);

  const text = report({
    options,
    date,
    loadBefore,
    loadAfter,
    seconds,
    tally: { ...tally, lookupMisses: all.lookupMisses },
    warmUpLoops: WARM_UP_LOOPS,
    concurrentWarmUp,
    declareViewIds: all.declareViewIds.size,
    updateViewIds: all.updateViewIds.size,
    verification,
    drainMs,
    eventLoop: {
      p50: lateBy(eventLoop.percentile(50)),
      p99: lateBy(eventLoop.percentile(99)),
      max: lateBy(eventLoop.max),
    },
    processes,
    connections,
    fakeSlackCalls: callsByMethod(w.fake),
    problemLines: w.processes.flatMap((p) => p.child.output.filter((line) => PROBLEM_LINE.test(line))),
  });
  console.log(`\n${text}`);
  // A benchmark reports; it does not fail the build over a missed target.
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
  const app = startWorld(options);
  const stop = () => {
    stopping = true;
  };
  return runWithCleanup(() => measure(options, app), {
    signalMessage: 'stopping the clients and the app, dropping the database',
    onSignal: stop,
    onFinish: stop,
    cleanUp: app.cleanUp,
  });
}
