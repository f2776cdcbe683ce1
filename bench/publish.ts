/**
 * Publish latency benchmark: how long after a responder submits an update it is public.
 *
 *   npm run bench publish [-- --updates N --incidents N --clients N --pause-ms N --max-seconds N]
 *
 * Boots the real app (web + worker, role `all`) in this process the way the end-to-end tests do
 * (`startSlackWorld`: its own migrated database and Redis prefix, a fake Slack Web API on
 * 127.0.0.1, the components of components.example.yml), with the app's logger at LOG_LEVEL=warn.
 * --incidents incidents are declared through signed declare-modal submissions and the benchmark
 * waits until their declarations are public and the outbox is drained.
 *
 * Then --updates updates are submitted as signed update-modal `view_submission`s (stage unchanged,
 * Investigating; a distinct public message per update carrying a unique marker; notify on, as
 * responders usually leave it), spread round-robin over the incidents by --clients concurrent
 * clients. Each client owns its own incidents (no two clients write the same incident) and before
 * each update waits a random 0..--pause-ms ms, so submissions fall at random points of the status
 * page's once-a-second re-check rather than in step with it. Every update is measured from just
 * before its request is built and signed:
 *   - ack:       until the response body has been read;
 *   - published: until the `publishedAt` the worker stamped on it (wall clock, read afterwards);
 *   - visible:   until a response of `/api/v2/incidents.json` containing its marker arrived. One
 *                poller fetches the document every 5 ms with If-None-Match, so unchanged answers
 *                are cheap 304s.
 * Ten unmeasured warm-up updates (one per incident, one at a time) come first. Each update waits at
 * most 15 s to become visible (a miss is counted); the whole measured run is bounded by
 * --max-seconds. Afterwards every update is checked to be stored and published exactly once.
 *
 * Cleanup (also on failure and on SIGINT/SIGTERM): stop the app, close the fake Slack, drop the
 * database, delete the Redis keys under the run's prefix. Only 127.0.0.1 is contacted.
 * Results are printed, never asserted: copy them into BENCHMARKS.md.
 */
import { randomBytes, randomInt } from 'node:crypto';
import path from 'node:path';
import type { Pool } from 'pg';
import { loadComponentsFile } from '../src/config/components-file';
import { INPUT_IDS, VIEW_IDS } from '../src/slack/ids';
import {
  checkboxValue,
  declareFormValues,
  selectValue,
  sendViewSubmission,
  textValue,
} from '../test/support/slack-requests';
import { callsByMethod, inProcessApp, type InProcessApp } from './support/app';
import { ROOT } from './support/child';
import { runWithCleanup } from './support/cleanup';
import { pollUntil, sleep } from './support/poll';
import { fixed, loadAverage, machineDescription, markdownTable, percentile } from './support/report';

const DEFAULT_UPDATES = 1000;
const DEFAULT_INCIDENTS = 10;
const DEFAULT_CLIENTS = 4;
const DEFAULT_PAUSE_MS = 500;
const DEFAULT_MAX_SECONDS = 1200;
const TARGET_P95_MS = 250;
const POLL_INTERVAL_MS = 5;
const VISIBLE_TIMEOUT_MS = 15_000;
const SETTLE_TIMEOUT_MS = 60_000;
const INCIDENTS_PATH = '/api/v2/incidents.json';
const EXIT_USAGE = 2;

interface Options {
  updates: number;
  incidents: number;
  clients: number;
  pauseMs: number;
  maxSeconds: number;
}

const USAGE = `Usage: npm run bench -- publish [--updates N] [--incidents N] [--clients N] [--pause-ms N] [--max-seconds N]

  --updates N      measured updates (default ${DEFAULT_UPDATES})
  --incidents N    incidents they are spread over (default ${DEFAULT_INCIDENTS}; at most 50, as
                   /api/v2/incidents.json lists the 50 newest)
  --clients N      concurrent submitters, each owning its own incidents (default ${DEFAULT_CLIENTS})
  --pause-ms N     each client waits a random 0..N ms before each update (default ${DEFAULT_PAUSE_MS})
  --max-seconds N  no new update after this many seconds of measuring (default ${DEFAULT_MAX_SECONDS})`;

const OPTION_NAMES = {
  updates: 'updates',
  incidents: 'incidents',
  clients: 'clients',
  'pause-ms': 'pauseMs',
  'max-seconds': 'maxSeconds',
} as const;

function parseOptions(args: string[]): Options | string {
  const options: Options = {
    updates: DEFAULT_UPDATES,
    incidents: DEFAULT_INCIDENTS,
    clients: DEFAULT_CLIENTS,
    pauseMs: DEFAULT_PAUSE_MS,
    maxSeconds: DEFAULT_MAX_SECONDS,
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const match = /^--(updates|incidents|clients|pause-ms|max-seconds)(?:=(.*))?$/.exec(arg);
    if (!match) return `Unknown option: ${arg}`;
    const flag = match[1] as keyof typeof OPTION_NAMES;
    const value = match[2] ?? args[++i];
    const number = Number(value);
    const min = flag === 'pause-ms' ? 0 : 1;
    if (!Number.isInteger(number) || number < min)
      return `--${flag} expects an integer ≥ ${min}, got ${value}`;
    options[OPTION_NAMES[flag]] = number;
  }
  if (options.incidents > 50) return '--incidents must be at most 50';
  if (options.clients > options.incidents) return '--clients must not exceed --incidents';
  return options;
}

// ---------------------------------------------------------------------------------------------
// The world: database, fake Slack, app (bench/support/app.ts), undone by cleanUp().

let stopping = false;

const elapsedMs = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e6;

function startWorld() {
  return inProcessApp({
    databaseLabel: 'bench_publish',
    redisLabel: 'bench-publish',
    role: 'all',
    env: { STATUS_PAGE_TITLE: 'Harness', STATUS_PAGE_TIMEZONE: 'America/Los_Angeles' },
    startOptions: () => ({ components: loadComponentsFile(path.join(ROOT, 'components.example.yml')) }),
    pool: { max: 2, applicationName: 'sitrep-bench-publish' },
  });
}

// ---------------------------------------------------------------------------------------------
// Watching /api/v2/incidents.json.

interface PollStats {
  polls: number;
  notModified: number;
  changed: number;
  failed: number;
  /** Request → response time of the polls that brought a new document, in order. */
  changedMs: number[];
  /** Size of the document at the end, in bytes. */
  lastBytes: number;
}

/**
 * Fetches the document every POLL_INTERVAL_MS (If-None-Match, so unchanged answers are 304s) and
 * resolves each waiter at the arrival of the first document that contains its marker.
 */
class IncidentsWatcher {
  private etag: string | undefined;
  private body = '';
  private readonly waiters = new Map<string, (at: bigint) => void>();
  private running = true;
  private loop: Promise<void> | undefined;
  readonly stats: PollStats = {
    polls: 0,
    notModified: 0,
    changed: 0,
    failed: 0,
    changedMs: [],
    lastBytes: 0,
  };

  constructor(private readonly url: string) {}

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** Resolves with the hrtime at which a document containing `marker` arrived, or undefined. */
  waitFor(marker: string, timeoutMs: number): Promise<bigint | undefined> {
    if (this.body.includes(marker)) return Promise.resolve(process.hrtime.bigint());
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(marker);
        resolve(undefined);
      }, timeoutMs);
      this.waiters.set(marker, (at) => {
        clearTimeout(timer);
        resolve(at);
      });
    });
  }

  private async run(): Promise<void> {
    while (this.running) {
      const started = process.hrtime.bigint();
      try {
        const response = await fetch(this.url, {
          headers: this.etag ? { 'if-none-match': this.etag } : {},
          signal: AbortSignal.timeout(10_000),
        });
        const text = await response.text();
        const arrived = process.hrtime.bigint();
        this.stats.polls += 1;
        if (response.status === 304) {
          this.stats.notModified += 1;
        } else if (response.status === 200) {
          this.stats.changed += 1;
          this.stats.changedMs.push(Number(arrived - started) / 1e6);
          this.stats.lastBytes = Buffer.byteLength(text);
          this.etag = response.headers.get('etag') ?? undefined;
          this.body = text;
          for (const [marker, resolve] of this.waiters) {
            if (text.includes(marker)) {
              this.waiters.delete(marker);
              resolve(arrived);
            }
          }
        } else {
          this.stats.failed += 1;
        }
      } catch {
        this.stats.failed += 1;
      }
      const wait = POLL_INTERVAL_MS - elapsedMs(started);
      if (wait > 0) await sleep(wait);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Requests.

async function declare(w: InProcessApp, viewId: string, title: string, componentIds: string[]) {
  const response = await sendViewSubmission(w.baseUrl, {
    callbackId: VIEW_IDS.declare,
    viewId,
    privateMetadata: JSON.stringify({ originChannelId: null }),
    values: declareFormValues({
      title,
      summary: `We are investigating ${title.toLowerCase()}.`,
      componentIds,
    }),
  });
  const body = await response.text();
  if (!response.ok || body.includes('response_action')) throw new Error(`declare ${viewId}: ${body}`);
  const { rows } = await w.pool.query<{ id: string }>(
    'SELECT id FROM "Incident" WHERE "idempotencyKey" = $1',
    [`view:${viewId}`],
  );
  if (!rows[0]) throw new Error(`declare ${viewId}: no incident stored`);
  return rows[0].id;
}

function postUpdate(baseUrl: string, viewId: string, incidentId: string, message: string): Promise<Response> {
  return sendViewSubmission(baseUrl, {
    callbackId: VIEW_IDS.update,
    viewId,
    userId: 'U0LEAD',
    privateMetadata: JSON.stringify({ incidentId, version: 1 }),
    values: {
      [INPUT_IDS.stage.block]: { [INPUT_IDS.stage.action]: selectValue('investigating') },
      [INPUT_IDS.publicMessage.block]: { [INPUT_IDS.publicMessage.action]: textValue(message) },
      [INPUT_IDS.internalNote.block]: { [INPUT_IDS.internalNote.action]: textValue(null) },
      [INPUT_IDS.notify.block]: { [INPUT_IDS.notify.action]: checkboxValue(['notify']) },
    },
  });
}

interface Sample {
  viewId: string;
  /** Date.now() just before the request was built (to compare with publishedAt). */
  sentWallMs: number;
  ackMs: number;
  status: number;
  error?: string;
  /** Undefined when the update did not appear within VISIBLE_TIMEOUT_MS. */
  visibleMs?: number;
  /** Filled in afterwards from the database. */
  publishedMs?: number;
}

async function submitAndWatch(
  w: InProcessApp,
  watcher: IncidentsWatcher,
  incidentId: string,
  viewId: string,
  marker: string,
): Promise<Sample> {
  const message = `Still investigating; the next update follows shortly. ${marker}`;
  const sentWallMs = Date.now();
  const started = process.hrtime.bigint();
  const visible = watcher.waitFor(marker, VISIBLE_TIMEOUT_MS);
  let status = 0;
  let error: string | undefined;
  try {
    const response = await postUpdate(w.baseUrl, viewId, incidentId, message);
    const body = await response.text();
    status = response.status;
    if (!response.ok || body.includes('response_action')) error = `HTTP ${status}: ${body.slice(0, 200)}`;
  } catch (e) {
    error = (e as Error).message;
  }
  const ackMs = elapsedMs(started);
  const at = await visible;
  return {
    viewId,
    sentWallMs,
    ackMs,
    status,
    ...(error ? { error } : {}),
    ...(at === undefined ? {} : { visibleMs: Number(at - started) / 1e6 }),
  };
}

// ---------------------------------------------------------------------------------------------
// Statistics and report.

function statsRow(label: string, values: number[]): string[] {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length);
  return [
    label,
    String(sorted.length),
    fixed(sorted.length ? mean : Number.NaN),
    fixed(percentile(sorted, 50)),
    fixed(percentile(sorted, 95)),
    fixed(percentile(sorted, 99)),
    fixed(sorted[sorted.length - 1] ?? Number.NaN),
  ];
}

function commandLine(options: Options): string {
  const flags = [
    ...(options.updates === DEFAULT_UPDATES ? [] : [`--updates ${options.updates}`]),
    ...(options.incidents === DEFAULT_INCIDENTS ? [] : [`--incidents ${options.incidents}`]),
    ...(options.clients === DEFAULT_CLIENTS ? [] : [`--clients ${options.clients}`]),
    ...(options.pauseMs === DEFAULT_PAUSE_MS ? [] : [`--pause-ms ${options.pauseMs}`]),
    ...(options.maxSeconds === DEFAULT_MAX_SECONDS ? [] : [`--max-seconds ${options.maxSeconds}`]),
  ];
  return flags.length === 0 ? 'npm run bench publish' : `npm run bench -- publish ${flags.join(' ')}`;
}

// ---------------------------------------------------------------------------------------------

async function outboxBacklog(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(
    `SELECT count(*) AS n FROM "OutboxMessage" WHERE status IN ('PENDING', 'ENQUEUED')`,
  );
  return Number(rows[0]?.n ?? 0);
}

async function waitUntil(what: string, timeoutMs: number, probe: () => Promise<boolean>): Promise<void> {
  await pollUntil(probe, {
    timeoutMs,
    intervalMs: 50,
    stopped: () => stopping,
    onTimeout: () => new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`),
  });
}

async function measure(options: Options, app: ReturnType<typeof startWorld>): Promise<number> {
  const log = (message: string) => console.error(message);
  const date = new Date().toISOString();
  const loadBefore = loadAverage();
  const run = randomBytes(4).toString('hex');
  log('Booting the app (role all) with a fake Slack on 127.0.0.1 ...');
  const w = await app.start();
  log(`App listening at ${w.baseUrl}, database ${w.db.name}, Redis prefix ${w.redisPrefix}`);

  const componentIds = (
    await w.pool.query<{ id: string }>('SELECT id FROM "Component" ORDER BY position')
  ).rows.map((row) => row.id);
  const incidentIds: string[] = [];
  for (let i = 0; i < options.incidents && !stopping; i++) {
    incidentIds.push(
      await declare(w, `V-publish-${run}-declare-${i}`, `Bench incident ${i + 1}: slow dashboards`, [
        componentIds[i % componentIds.length]!,
      ]),
    );
  }
  const watcher = new IncidentsWatcher(`${w.baseUrl}${INCIDENTS_PATH}`);
  watcher.start();
  try {
    log(
      `Declared ${incidentIds.length} incidents; waiting for them to be public and the outbox to drain ...`,
    );
    await waitUntil('the declarations on the JSON API and an empty outbox', SETTLE_TIMEOUT_MS, async () => {
      const res = await fetch(`${w.baseUrl}${INCIDENTS_PATH}`);
      const doc = (await res.json()) as { incidents: unknown[] };
      return doc.incidents.length === incidentIds.length && (await outboxBacklog(w.pool)) === 0;
    });

    // Warm-up: one update per incident, one at a time, not measured.
    for (const [i, incidentId] of incidentIds.entries()) {
      if (stopping) return 130;
      const sample = await submitAndWatch(
        w,
        watcher,
        incidentId,
        `V-publish-${run}-warm-${i}`,
        `[warm ${run} ${i}]`,
      );
      if (sample.error || sample.visibleMs === undefined)
        throw new Error(`Warm-up update ${i} failed: ${sample.error ?? 'not visible within 15 s'}`);
    }

    log(
      `Measuring: ${options.updates} updates over ${incidentIds.length} incidents, ${options.clients} clients, ` +
        `random pause 0..${options.pauseMs} ms, at most ${options.maxSeconds} s ...`,
    );
    const samples: Sample[] = [];
    let next = 0;
    const started = process.hrtime.bigint();
    const deadline = started + BigInt(options.maxSeconds) * 1_000_000_000n;
    const progress = setInterval(() => {
      log(`  ${(elapsedMs(started) / 1000).toFixed(0)} s: ${samples.length} updates measured`);
    }, 10_000);
    const client = async (index: number) => {
      const own = incidentIds.filter((_, i) => i % options.clients === index);
      for (let turn = 0; !stopping && process.hrtime.bigint() < deadline; turn++) {
        const n = next++;
        if (n >= options.updates) return;
        if (options.pauseMs > 0) await sleep(randomInt(options.pauseMs + 1));
        const marker = `[bench ${run} #${String(n).padStart(5, '0')}]`;
        samples.push(
          await submitAndWatch(w, watcher, own[turn % own.length]!, `V-publish-${run}-${n}`, marker),
        );
      }
    };
    try {
      await Promise.all(Array.from({ length: options.clients }, (_, i) => client(i)));
    } finally {
      clearInterval(progress);
    }
    const seconds = elapsedMs(started) / 1000;
    if (stopping) return 130;
    const loadAfter = loadAverage();

    // publishedAt of every measured update, and exactly-once checks.
    const { rows } = await w.pool.query<{ key: string; n: string; published: string; at: Date | null }>(
      `SELECT "idempotencyKey" AS key, count(*) AS n, count("publishedAt") AS published, min("publishedAt") AS at
         FROM "IncidentUpdate" WHERE "idempotencyKey" LIKE $1 GROUP BY 1`,
      [`view:V-publish-${run}-%`],
    );
    const byKey = new Map(rows.map((row) => [row.key, row]));
    let duplicates = 0;
    let unpublished = 0;
    let missing = 0;
    for (const sample of samples) {
      const row = byKey.get(`view:${sample.viewId}`);
      if (!row) {
        missing += 1;
        continue;
      }
      duplicates += Number(row.n) - 1;
      if (row.at) sample.publishedMs = row.at.getTime() - sample.sentWallMs;
      else unpublished += 1;
    }

    const errors = samples.filter((s) => s.error);
    const visible = samples.filter((s) => s.visibleMs !== undefined);
    const notVisible = samples.length - visible.length;
    const visibleSorted = visible.map((s) => s.visibleMs!).sort((a, b) => a - b);
    const p95 = percentile(visibleSorted, 95);
    const pass =
      samples.length === options.updates && notVisible === 0 && errors.length === 0 && p95 < TARGET_P95_MS;
    const table = markdownTable(
      ['Measure (ms from sending)', 'Count', 'mean', 'p50', 'p95', 'p99', 'max'],
      [
        statsRow(
          'ack (response read)',
          samples.map((s) => s.ackMs),
        ),
        statsRow(
          'published (publishedAt stamped)',
          samples.flatMap((s) => (s.publishedMs === undefined ? [] : [s.publishedMs])),
        ),
        statsRow('visible on /api/v2/incidents.json', visibleSorted),
        statsRow(
          'visible − published',
          visible.flatMap((s) => (s.publishedMs === undefined ? [] : [s.visibleMs! - s.publishedMs])),
        ),
      ],
      [false, true, true, true, true, true, true],
    );
    const changed = watcher.stats.changedMs;
    const tenth = Math.max(1, Math.floor(changed.length / 10));
    const calls = callsByMethod(w.fake);
    const problems = w.logs
      .entries()
      .filter((e) => e.level === 'warn' || e.level === 'error' || e.level === 'fatal');
    const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');

    console.log(
      [
        '',
        '## Publish latency (`npm run bench publish`)',
        '',
        `Date: ${date}`,
        `Machine: ${machineDescription()}`,
        `Load average (1/5/15 min): ${loadBefore} before, ${loadAfter} after`,
        `Command: ${commandLine(options)}`,
        `Run: app role all in this process (fake Slack, LOG_LEVEL=warn); ${samples.length} update-modal submissions over ` +
          `${incidentIds.length} incidents by ${options.clients} clients, random pause 0..${options.pauseMs} ms before each, ` +
          `${fixed(seconds, 1)} s (${fixed(samples.length / seconds, 1)} updates/s); after ${incidentIds.length} warm-up updates; ` +
          `${INCIDENTS_PATH} polled every ${POLL_INTERVAL_MS} ms with If-None-Match; percentiles nearest-rank.`,
        '',
        table,
        '',
        `Errors (non-2xx, no response or response_action errors): ${errors.length}` +
          (errors[0] ? ` (first: ${errors[0].error})` : ''),
        `Not visible within ${VISIBLE_TIMEOUT_MS / 1000} s: ${notVisible}`,
        `Stored: ${samples.length - missing} of ${samples.length} (missing ${missing}, duplicates ${duplicates}, never published ${unpublished})`,
        `Poller: ${watcher.stats.polls} polls, ${watcher.stats.notModified} × 304, ${watcher.stats.changed} × 200 (new document), ` +
          `${watcher.stats.failed} failed; document size at the end ${watcher.stats.lastBytes} bytes`,
        `Polls that brought a new document (the reader waited for the page's re-check and re-render): ` +
          `first tenth p50 ${fixed(
            percentile(
              [...changed.slice(0, tenth)].sort((a, b) => a - b),
              50,
            ),
          )} ms, ` +
          `last tenth p50 ${fixed(
            percentile(
              [...changed.slice(-tenth)].sort((a, b) => a - b),
              50,
            ),
          )} ms, ` +
          `max ${fixed(Math.max(...changed))} ms`,
        `Fake Slack calls: ${Object.entries(calls)
          .map(([method, n]) => `${method} ${n}`)
          .join(', ')}`,
        `App log lines at warn/error: ${problems.filter((e) => e.level === 'warn').length} / ${problems.filter((e) => e.level !== 'warn').length}`,
        '',
        `Target: p95 from sending to visible on ${INCIDENTS_PATH} under ${TARGET_P95_MS} ms, every update visible, no errors.`,
        `  p95 ${fixed(p95)} ms: ${verdict(p95 < TARGET_P95_MS)}`,
        `  visible ${visible.length} of ${samples.length}, errors ${errors.length}: ${verdict(notVisible === 0 && errors.length === 0)}`,
        `  Overall: ${verdict(pass)}` +
          (samples.length === options.updates
            ? ''
            : ` (only ${samples.length} of ${options.updates} updates within --max-seconds)`),
      ].join('\n'),
    );
    return 0;
  } finally {
    await watcher.stop();
  }
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
  const app = startWorld();
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
