/**
 * Boot benchmark: time from spawning `node dist/main.js web` to its first `/readyz` 200.
 *
 *   npm run bench -- boot [--runs N] [--no-build]
 *
 * Scenarios:
 *   up-to-date  a database migrated by one unmeasured warm-up boot, then booted N times
 *   empty       a fresh, non-existent database per boot: the process creates it and applies
 *               every migration (the databases are dropped afterwards)
 *
 * Each boot also records when the `listening` log line arrived (HTTP up), and the log lines'
 * own "time" fields, so the report can say where the time goes. Every database this script
 * creates is dropped (WITH (FORCE)) even when a boot fails or the run is interrupted.
 * Only 127.0.0.1 is contacted. Results are printed, never asserted: copy them into BENCHMARKS.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { buildApp, MAIN, ROOT, stopChildProcess } from './support/child';
import {
  createDatabase,
  databaseExists,
  dropDatabase,
  once,
  POSTGRES_SERVER,
  runWithCleanup,
} from './support/cleanup';
import { sleep } from './support/poll';
import { machineDescription, markdownTable, percentile } from './support/report';

const MIGRATIONS_DIR = path.join(ROOT, 'prisma', 'migrations');
const REDIS_URL = 'redis://127.0.0.1:6379';

const DEFAULT_RUNS = 10;
const POLL_INTERVAL_MS = 10;
const BOOT_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;
const TARGET_MS = 1500;
const EXIT_USAGE = 2;

/** Log events shown in the "where the time goes" table, in boot order. */
const PHASES: { event: string; label: string }[] = [
  { event: 'config', label: 'first log line' },
  { event: 'listening', label: 'listening' },
  { event: 'database_created', label: 'database created' },
  { event: 'migrations_applied', label: 'migrations applied' },
  { event: 'schema_ok', label: 'schema ok' },
];

interface Options {
  runs: number;
  build: boolean;
}

interface BootSample {
  /** Spawn → the `listening` line read from stdout (monotonic clock). */
  listeningMs: number;
  /** Spawn → the first /readyz 200 received (monotonic clock). */
  readyMs: number;
  /** Log event → ms after spawn, from the line's "time" field (wall clock, 1 ms resolution). */
  events: Map<string, number>;
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
}

const USAGE = `Usage: npm run bench -- boot [--runs N] [--no-build]

  --runs N     measured boots per scenario (default ${DEFAULT_RUNS})
  --no-build   do not run \`npm run build\` first (dist/ must be current)`;

function parseOptions(args: string[]): Options | string {
  const options: Options = { runs: DEFAULT_RUNS, build: true };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--no-build') {
      options.build = false;
    } else if (arg === '--runs' || arg.startsWith('--runs=')) {
      const value = arg === '--runs' ? args[++i] : arg.slice('--runs='.length);
      const runs = Number(value);
      if (!Number.isInteger(runs) || runs < 1) return `--runs expects a positive integer, got ${value}`;
      options.runs = runs;
    } else {
      return `Unknown option: ${arg}`;
    }
  }
  return options;
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL: every database created here is tracked and dropped, whatever happens.

const createdDatabases = new Set<string>();

async function createTrackedDatabase(name: string): Promise<void> {
  createdDatabases.add(name);
  await createDatabase(name);
}

async function dropTrackedDatabase(name: string): Promise<void> {
  await dropDatabase(name);
  createdDatabases.delete(name);
}

/** Drops every tracked database; safe to call more than once (later calls share the first). */
const cleanUp = once(async () => {
  for (const name of [...createdDatabases]) {
    try {
      await dropTrackedDatabase(name);
    } catch (error) {
      console.error(`Could not drop database ${name}: ${(error as Error).message}`);
    }
  }
});

// ---------------------------------------------------------------------------------------------
// One boot.

let currentChild: ChildProcess | undefined;

function childEnv(databaseUrl: string, redisPrefix: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // No Slack credentials: Socket Mode would connect to Slack, and HTTP mode is not what we measure.
    if (!key.startsWith('SLACK_')) env[key] = value;
  }
  return {
    ...env,
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    REDIS_PREFIX: redisPrefix,
    PORT: '0',
    HOST: '127.0.0.1',
    AUTO_MIGRATE: 'true',
    LOG_LEVEL: 'info',
  };
}

function getStatus(port: number): Promise<number> {
  return new Promise((resolve) => {
    const request = http.get(
      { host: '127.0.0.1', port, path: '/readyz', agent: false, timeout: 5000 },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', () => resolve(0));
  });
}

async function bootOnce(databaseUrl: string, redisPrefix: string): Promise<BootSample> {
  const events = new Map<string, number>();
  const stderrTail: string[] = [];
  const stdoutTail: string[] = [];
  let listeningMs: number | undefined;
  let readyMs: number | undefined;
  let finished = false;

  const spawnWallClock = Date.now();
  const t0 = performance.now();
  const child = spawn(process.execPath, [MAIN, 'web'], {
    cwd: ROOT,
    env: childEnv(databaseUrl, redisPrefix),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  currentChild = child;

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
  });

  let onListening: (port: number) => void = () => undefined;
  const listening = new Promise<number>((resolve) => {
    onListening = resolve;
  });

  createInterface({ input: child.stderr }).on('line', (line) => {
    stderrTail.push(line);
    if (stderrTail.length > 20) stderrTail.shift();
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    stdoutTail.push(line);
    if (stdoutTail.length > 20) stdoutTail.shift();
    let entry: { event?: unknown; time?: unknown; port?: unknown };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      return;
    }
    if (typeof entry.event === 'string' && typeof entry.time === 'string' && !events.has(entry.event)) {
      events.set(entry.event, Date.parse(entry.time) - spawnWallClock);
    }
    if (entry.event === 'listening' && typeof entry.port === 'number' && listeningMs === undefined) {
      listeningMs = performance.now() - t0;
      onListening(entry.port);
    }
  });

  const pollUntilReady = async (): Promise<void> => {
    const port = await listening;
    while (!finished) {
      const started = performance.now();
      if ((await getStatus(port)) === 200) {
        readyMs = performance.now() - t0;
        return;
      }
      await sleep(Math.max(0, POLL_INTERVAL_MS - (performance.now() - started)));
    }
  };

  let timer: NodeJS.Timeout | undefined;
  const failure = (reason: string) =>
    new Error(
      `${reason}\n--- last stdout lines ---\n${stdoutTail.join('\n')}\n--- last stderr lines ---\n${stderrTail.join('\n')}`,
    );
  try {
    await Promise.race([
      pollUntilReady(),
      exited.then(({ code, signal }) => {
        throw failure(`Process exited before /readyz answered 200 (code ${code}, signal ${signal})`);
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(failure(`/readyz did not answer 200 within ${BOOT_TIMEOUT_MS} ms`)),
          BOOT_TIMEOUT_MS,
        );
      }),
    ]);
  } finally {
    finished = true;
    clearTimeout(timer);
    await stopChildProcess(
      child,
      exited,
      () => hasExited,
      STOP_TIMEOUT_MS,
      `Process ${child.pid} did not exit ${STOP_TIMEOUT_MS} ms after SIGTERM; sending SIGKILL`,
    );
    currentChild = undefined;
  }
  const { code, signal } = await exited;
  if (listeningMs === undefined || readyMs === undefined) throw failure('Boot did not complete');
  return { listeningMs, readyMs, events, exitCode: code, exitSignal: signal };
}

/** Spawn → exit of `node -e 0`: the floor any Node process pays before running our code. */
async function nodeBaseline(): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  return performance.now() - t0;
}

// ---------------------------------------------------------------------------------------------
// Statistics and report.

interface Summary {
  n: number;
  min: number;
  p50: number;
  p95: number;
  max: number;
}

function summarize(values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    min: sorted[0] ?? Number.NaN,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

function median(values: number[]): number {
  return summarize(values).p50;
}

function ms(value: number): string {
  return Number.isNaN(value) ? '-' : Math.round(value).toString();
}

function commandLine(options: Options): string {
  const flags = [
    ...(options.runs === DEFAULT_RUNS ? [] : [`--runs ${options.runs}`]),
    ...(options.build ? [] : ['--no-build']),
  ];
  return flags.length === 0 ? 'npm run bench boot' : `npm run bench -- boot ${flags.join(' ')}`;
}

/** Names of the migrations the build applies (a migration is a folder with a migration.sql). */
function migrationNames(): string[] {
  return readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
    .filter(
      (entry) => entry.isDirectory() && existsSync(path.join(MIGRATIONS_DIR, entry.name, 'migration.sql')),
    )
    .map((entry) => entry.name)
    .sort();
}

function report(
  options: Options,
  date: string,
  migrations: string[],
  upToDate: BootSample[],
  empty: BootSample[],
  baseline: number[],
): string {
  const rows: string[][] = [];
  const add = (scenario: string, measure: string, values: number[]) => {
    const s = summarize(values);
    rows.push([scenario, measure, String(s.n), ms(s.min), ms(s.p50), ms(s.p95), ms(s.max)]);
  };
  add(
    'up-to-date database',
    'spawn → `listening`',
    upToDate.map((s) => s.listeningMs),
  );
  add(
    'up-to-date database',
    'spawn → /readyz 200',
    upToDate.map((s) => s.readyMs),
  );
  add(
    'empty database',
    'spawn → `listening`',
    empty.map((s) => s.listeningMs),
  );
  add(
    'empty database',
    'spawn → /readyz 200',
    empty.map((s) => s.readyMs),
  );
  add('baseline: `node -e 0`', 'spawn → exit', baseline);
  const mainTable = markdownTable(
    ['Scenario', 'Measure', 'Runs', 'min ms', 'p50 ms', 'p95 ms', 'max ms'],
    rows,
    [false, false, true, true, true, true, true],
  );

  const phaseRow = (scenario: string, samples: BootSample[]) => [
    scenario,
    ...PHASES.map(({ event }) => {
      const values = samples.flatMap((s) => (s.events.has(event) ? [s.events.get(event) ?? 0] : []));
      return values.length === 0 ? '-' : ms(median(values));
    }),
    ms(median(samples.map((s) => s.readyMs))),
  ];
  const phaseTable = markdownTable(
    ['Scenario (p50, ms after spawn)', ...PHASES.map((p) => p.label), '/readyz 200'],
    [phaseRow('up-to-date database', upToDate), phaseRow('empty database', empty)],
    [false, ...PHASES.map(() => true), true],
  );

  const ready = summarize(upToDate.map((s) => s.readyMs));
  const verdict = (value: number) => (value < TARGET_MS ? 'PASS' : 'FAIL');
  const badExits = [...upToDate, ...empty].filter((s) => s.exitCode !== 0);

  const text = [
    '## Boot to ready (`npm run bench boot`)',
    '',
    `Date: ${date}`,
    `Machine: ${machineDescription()}`,
    `Command: ${commandLine(options)}`,
    `Migrations: ${migrations.length} (${migrations.join(', ')})`,
    `Runs: ${options.runs} measured boots per scenario (plus 1 unmeasured warm-up boot that migrates the up-to-date database); /readyz polled every ${POLL_INTERVAL_MS} ms once the port is logged; percentiles are nearest-rank.`,
    '',
    mainTable,
    '',
    'Where the time goes (from each log line\u2019s own "time" field, 1 ms resolution; p50 over the runs):',
    '',
    phaseTable,
    '',
    `Target: up-to-date database, spawn → /readyz 200 under ${TARGET_MS} ms.`,
    `  p50 ${ms(ready.p50)} ms: ${verdict(ready.p50)}`,
    `  p95 ${ms(ready.p95)} ms: ${verdict(ready.p95)}`,
    badExits.length === 0
      ? 'Every process exited 0 after SIGTERM.'
      : `WARNING: ${badExits.length} process(es) did not exit 0 after SIGTERM: ${badExits
          .map((s) => `code ${s.exitCode} signal ${s.exitSignal}`)
          .join(', ')}`,
  ].join('\n');
  return text;
}

// ---------------------------------------------------------------------------------------------

async function measure(options: Options): Promise<number> {
  if (!buildApp(options.build, ['ignore', 'inherit', 'inherit'])) return 1;

  const date = new Date().toISOString();
  const migrations = migrationNames();
  const runId = randomBytes(4).toString('hex');
  const base = `sitrep_bench_boot_${runId}`;
  const prefix = (label: string) => `bench-boot-${runId}-${label}`;
  const log = (message: string) => console.error(message);

  const baseline: number[] = [];
  for (let i = 0; i < options.runs; i++) baseline.push(await nodeBaseline());

  // (a) Up-to-date database: create, migrate with one unmeasured boot, then measure.
  const upToDateName = `${base}_uptodate`;
  const upToDateUrl = `${POSTGRES_SERVER}/${upToDateName}`;
  await createTrackedDatabase(upToDateName);
  log(`Warm-up boot: migrating ${upToDateName}`);
  const warmUp = await bootOnce(upToDateUrl, prefix('warmup'));
  if (!warmUp.events.has('migrations_applied')) {
    log('Note: the warm-up boot did not log migrations_applied (were there no migrations?)');
  }
  const upToDate: BootSample[] = [];
  for (let i = 1; i <= options.runs; i++) {
    const sample = await bootOnce(upToDateUrl, prefix(`u${i}`));
    if (sample.events.has('migrations_applied')) {
      log('Note: an up-to-date boot applied migrations; the database was not up to date');
    }
    upToDate.push(sample);
    log(
      `up-to-date ${i}/${options.runs}: listening ${ms(sample.listeningMs)} ms, ready ${ms(sample.readyMs)} ms`,
    );
  }

  // (b) Empty database: a new name each time; the process creates it and applies every migration.
  const empty: BootSample[] = [];
  for (let i = 1; i <= options.runs; i++) {
    const name = `${base}_empty_${i}`;
    if (await databaseExists(name)) throw new Error(`Database ${name} already exists`);
    createdDatabases.add(name); // the process creates it; track it so it is dropped whatever happens
    const sample = await bootOnce(`${POSTGRES_SERVER}/${name}`, prefix(`e${i}`));
    if (!sample.events.has('database_created')) {
      log(`Note: boot ${i} on an empty database did not log database_created`);
    }
    empty.push(sample);
    await dropTrackedDatabase(name);
    log(`empty ${i}/${options.runs}: listening ${ms(sample.listeningMs)} ms, ready ${ms(sample.readyMs)} ms`);
  }

  const text = report(options, date, migrations, upToDate, empty, baseline);
  console.log(`\n${text}`);
  if (migrationNames().join() !== migrations.join()) {
    console.log('WARNING: prisma/migrations changed during the run; the numbers mix two schemas.');
  }
  // A benchmark reports; it does not fail the build over a missed target.
  return 0;
}

export async function run(args: string[]): Promise<number> {
  const options = parseOptions(args);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  if (typeof options === 'string') {
    console.error(`${options}\n\n${USAGE}`);
    return EXIT_USAGE;
  }

  return runWithCleanup(() => measure(options), {
    signalMessage: 'stopping the current boot and dropping the benchmark databases',
    onSignal: () => currentChild?.kill('SIGKILL'),
    cleanUp,
  });
}
