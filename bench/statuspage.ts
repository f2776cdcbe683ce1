/**
 * Status page read benchmark: how many public reads the app serves, next to nginx serving the
 * same bytes from disk.
 *
 *   npm run bench statuspage [-- --seconds N --connections N --no-build]
 *
 * Setup:
 *   1. `npm run build` (unless --no-build), then a database of its own (`sitrep_bench_statuspage_<hex>`),
 *      migrated, with the components of components.example.yml and two incidents written through
 *      the app's own services (`declareIncident`, `applyIncidentCommand`): the seed incident
 *      (shared/seed/000_6f52e3a7a6d05877.txt), resolved after four updates, and an active one.
 *   2. The app as its own process, `node dist/main.js all` (web + worker), LOG_LEVEL=warn, on a
 *      free port of 127.0.0.1. Its worker publishes the incidents' updates through the real
 *      outbox → BullMQ → publish path; the benchmark waits until all six are on the JSON API.
 *   3. The exact bytes of `/api/v2/summary.json` and `/incidents/<seed id>`, fetched from the app,
 *      are written to a temporary directory and served by nginx (`daemon off`, one worker process,
 *      access log off, a generated nginx.conf) on another free port of 127.0.0.1, as a child process.
 *      nginx is installed with apt-get when /usr/sbin/nginx is missing.
 *
 * Measurement: autocannon (programmatic API, in this process, so the load generator shares no
 * event loop with the app) with --connections keep-alive connections for --seconds against, in
 * order: app summary.json, nginx summary.json, app incident page, nginx incident page, each after
 * an unmeasured 2 s warm-up. For each run the CPU time of the server process(es), of this process
 * (the load generator) and of the whole machine is read from /proc, to show what limited it.
 * Every response body is checked against the bytes nginx serves (autocannon `expectBody`).
 *
 * Cleanup (also on failure and on SIGINT/SIGTERM): stop nginx and the app, drop the database,
 * delete the Redis keys under the run's prefix, remove the temporary directory. Only 127.0.0.1 is
 * contacted. Results are printed, never asserted: copy them into BENCHMARKS.md.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { loadComponentsFile } from '../src/config/components-file';
import { migrateDatabase } from '../src/db/migrate';
import { createPool } from '../src/db/pool';
import { createPrismaClient } from '../src/db/prisma';
import type { Stage } from '../src/domain/stages';
import { applyIncidentCommand } from '../src/services/apply-incident-command';
import { declareIncident } from '../src/services/declare-incident';
import { syncComponents } from '../src/services/sync-components';
import {
  buildApp,
  freePort,
  MAIN,
  processCpuSeconds,
  ROOT,
  startChild,
  stopChild,
  type Child,
} from './support/child';
import {
  cleanupStep,
  createDatabase,
  deleteRedisKeys,
  dropDatabase,
  once,
  POSTGRES_SERVER,
  runWithCleanup,
} from './support/cleanup';
import { pollUntil, sleep } from './support/poll';
import { fixed, loadAverage, machineDescription, markdownTable } from './support/report';

const COMPONENTS_FILE = path.join(ROOT, 'components.example.yml');
const NGINX = '/usr/sbin/nginx';
const REDIS_URL = 'redis://127.0.0.1:6379';

const DEFAULT_SECONDS = 20;
const DEFAULT_CONNECTIONS = 100;
const WARM_UP_SECONDS = 2;
/** The app should serve at least this fraction of nginx's throughput. */
const TARGET_RATIO = 0.5;
const BOOT_TIMEOUT_MS = 60_000;
const PUBLISH_TIMEOUT_MS = 30_000;
const POLL_INTERVAL_MS = 50;
const EXPECTED_PUBLISHED_UPDATES = 6;
const EXIT_USAGE = 2;

interface Options {
  seconds: number;
  connections: number;
  build: boolean;
}

const USAGE = `Usage: npm run bench -- statuspage [--seconds N] [--connections N] [--no-build]

  --seconds N      measured seconds per target (default ${DEFAULT_SECONDS}), after ${WARM_UP_SECONDS} s of warm-up
  --connections N  concurrent keep-alive connections (default ${DEFAULT_CONNECTIONS})
  --no-build       do not run \`npm run build\` first (dist/ must be current)`;

function parseOptions(args: string[]): Options | string {
  const options: Options = { seconds: DEFAULT_SECONDS, connections: DEFAULT_CONNECTIONS, build: true };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--no-build') {
      options.build = false;
      continue;
    }
    const match = /^--(seconds|connections)(?:=(.*))?$/.exec(arg);
    if (!match) return `Unknown option: ${arg}`;
    const name = match[1] as 'seconds' | 'connections';
    const value = match[2] ?? args[++i];
    const number = Number(value);
    if (!Number.isInteger(number) || number < 1) return `--${name} expects a positive integer, got ${value}`;
    options[name] = number;
  }
  return options;
}

// ---------------------------------------------------------------------------------------------
// Everything this run creates, so cleanUp() can undo it whatever happened.

interface World {
  database?: string;
  redisPrefix?: string;
  tempDir?: string;
  app?: Child;
  nginx?: Child;
}

const world: World = {};
let stopping = false;

const cleanUp = once(async () => {
  const { nginx, app, database, redisPrefix, tempDir } = world;
  if (nginx) await cleanupStep('stop nginx', () => stopChild(nginx, 'nginx'));
  if (app) await cleanupStep('stop the app', () => stopChild(app, 'the app'));
  if (database) await cleanupStep(`drop database ${database}`, () => dropDatabase(database));
  if (redisPrefix)
    await cleanupStep(`delete Redis keys ${redisPrefix}:*`, () => deleteRedisKeys(REDIS_URL, redisPrefix));
  if (tempDir)
    await cleanupStep(`remove ${tempDir}`, () => rmSync(tempDir, { recursive: true, force: true }));
});

// ---------------------------------------------------------------------------------------------
// Setup.

function ensureNginx(): void {
  if (existsSync(NGINX)) return;
  console.error(`${NGINX} is missing: apt-get install -y nginx`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    spawnSync('apt-get', ['install', '-y', 'nginx'], { stdio: ['ignore', 2, 2], env }).status === 0;
  if (!install()) {
    spawnSync('apt-get', ['update'], { stdio: ['ignore', 2, 2], env });
    if (!install()) throw new Error('apt-get install -y nginx failed');
  }
  if (!existsSync(NGINX)) throw new Error(`${NGINX} is still missing after apt-get install nginx`);
}

const SEED = {
  title: 'SEI - Team Settings and Efficiency Insights Inaccessible',
  investigating:
    'On February 12-13, 2026, the Software Engineering Insights (SEI) module experienced a service disruption lasting approximately 3.5 hours. During this period, users were unable to access team settings, efficiency profiles, and efficiency insights features.',
  declaredAt: new Date('2026-02-13T06:51:00Z'),
  updates: [
    ['identified', 'The issue has been identified and a fix is being implemented.', '2026-02-13T07:15:00Z'],
    ['monitoring', 'A fix has been implemented and we are monitoring the results.', '2026-02-13T10:10:00Z'],
    ['resolved', 'This incident has been resolved.', '2026-02-13T10:21:00Z'],
  ] as [Stage, string, string][],
};

/** Two public incidents through the app's own services: the seed (resolved) and an active one. */
async function seedIncidents(databaseUrl: string): Promise<{ seedId: string; activeId: string }> {
  const pool = createPool(databaseUrl, 2);
  const prisma = createPrismaClient(pool);
  try {
    await syncComponents(prisma, loadComponentsFile(COMPONENTS_FILE));
    const componentIds = (await prisma.component.findMany({ orderBy: { position: 'asc' } })).map((c) => c.id);
    const post = async (incidentId: string, stage: Stage, publicMessage: string, at: Date) => {
      const outcome = await applyIncidentCommand(
        prisma,
        incidentId,
        {
          type: 'post_update',
          stage,
          publicMessage,
          internalNote: '',
          notifySubscribers: true,
          requireStageChange: false,
          at,
        },
        { actorId: 'U0LEAD' },
      );
      if (!outcome.ok) throw new Error(`Could not post ${stage}: ${outcome.error}`);
    };

    const seed = await declareIncident(prisma, {
      title: SEED.title,
      summary: SEED.investigating,
      severity: 'SEV2',
      componentIds,
      leadId: 'U0LEAD',
      declaredById: 'U0DECLARER',
      isPrivate: false,
      idempotencyKey: 'bench:statuspage:seed',
      at: SEED.declaredAt,
    });
    for (const [stage, message, at] of SEED.updates)
      await post(seed.incident.id, stage, message, new Date(at));

    const declaredAt = new Date(Date.now() - 20 * 60_000);
    const active = await declareIncident(prisma, {
      title: 'Elevated error rates on Prod 2 dashboards',
      summary: 'We are investigating elevated error rates when loading dashboards on Prod 2.',
      severity: 'SEV3',
      componentIds: componentIds.slice(1, 2),
      leadId: 'U0LEAD',
      declaredById: 'U0DECLARER',
      isPrivate: false,
      idempotencyKey: 'bench:statuspage:active',
      at: declaredAt,
    });
    await post(
      active.incident.id,
      'identified',
      'A slow database query has been identified; a fix is being rolled out.',
      new Date(declaredAt.getTime() + 10 * 60_000),
    );
    return { seedId: seed.incident.id, activeId: active.incident.id };
  } finally {
    await prisma.$disconnect().catch(() => undefined);
    await pool.end().catch(() => undefined);
  }
}

function appEnv(databaseUrl: string, redisPrefix: string, port: number): NodeJS.ProcessEnv {
  // A clean environment: no Slack or Statuspage credentials from the caller's shell.
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    REDIS_PREFIX: redisPrefix,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    COMPONENTS_FILE,
    STATUS_PAGE_TITLE: 'Harness',
    STATUS_PAGE_TIMEZONE: 'America/Los_Angeles',
  };
}

async function fetchStatus(url: string): Promise<number> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

async function waitUntil(what: string, timeoutMs: number, child: Child, probe: () => Promise<boolean>) {
  const done = await pollUntil(probe, {
    timeoutMs,
    intervalMs: POLL_INTERVAL_MS,
    stopped: () => stopping,
    check: () => {
      if (child.hasExited())
        throw new Error(`${what}: the process exited\n--- its last output ---\n${child.output.join('\n')}`);
    },
    onTimeout: () =>
      new Error(`${what}: not within ${timeoutMs} ms\n--- last output ---\n${child.output.join('\n')}`),
  });
  if (!done) throw new Error('interrupted');
}

async function fetchBytes(url: string): Promise<{ body: Buffer; contentType: string }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  if (response.status !== 200) throw new Error(`GET ${url}: ${response.status}`);
  return {
    body: Buffer.from(await response.arrayBuffer()),
    contentType: response.headers.get('content-type') ?? 'application/octet-stream',
  };
}

interface Document {
  /** URL path, the same on the app and on nginx. */
  path: string;
  body: Buffer;
  contentType: string;
}

function nginxConfig(dir: string, port: number, documents: Document[]): string {
  const locations = documents.map(
    (doc) =>
      `    location = ${doc.path} {\n` +
      `      default_type "${doc.contentType}";\n` +
      `      add_header cache-control "public, max-age=10, stale-while-revalidate=30";\n` +
      `    }`,
  );
  return [
    'daemon off;',
    'master_process on;',
    'worker_processes 1;',
    `pid ${dir}/nginx.pid;`,
    `error_log ${dir}/error.log warn;`,
    'events { worker_connections 1024; }',
    'http {',
    '  types { }',
    '  access_log off;',
    '  sendfile on;',
    '  tcp_nopush on;',
    '  keepalive_timeout 65;',
    '  keepalive_requests 1000000;',
    `  client_body_temp_path ${dir}/tmp/client;`,
    `  proxy_temp_path ${dir}/tmp/proxy;`,
    `  fastcgi_temp_path ${dir}/tmp/fastcgi;`,
    `  uwsgi_temp_path ${dir}/tmp/uwsgi;`,
    `  scgi_temp_path ${dir}/tmp/scgi;`,
    '  server {',
    `    listen 127.0.0.1:${port};`,
    `    root ${dir}/root;`,
    ...locations,
    '    location / { return 404; }',
    '  }',
    '}',
    '',
  ].join('\n');
}

/** Writes the documents and a config into a temporary directory and starts nginx on it. */
async function startNginx(documents: Document[]): Promise<{ baseUrl: string; version: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sitrep-bench-nginx-'));
  world.tempDir = dir;
  // nginx's worker runs as an unprivileged user (nobody or www-data): it must read the files.
  chmodSync(dir, 0o755);
  mkdirSync(path.join(dir, 'tmp'), { recursive: true });
  for (const doc of documents) {
    const file = path.join(dir, 'root', ...doc.path.split('/').filter(Boolean));
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
    writeFileSync(file, doc.body, { mode: 0o644 });
  }
  const port = await freePort();
  writeFileSync(path.join(dir, 'nginx.conf'), nginxConfig(dir, port, documents));
  const version = (spawnSync(NGINX, ['-v'], { encoding: 'utf8' }).stderr ?? '').trim();
  const nginx = startChild(NGINX, ['-p', dir, '-e', `${dir}/error.log`, '-c', `${dir}/nginx.conf`], {
    PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/bin',
  });
  world.nginx = nginx;
  const baseUrl = `http://127.0.0.1:${port}`;
  const first = documents[0]!;
  await waitUntil('nginx answering 200', 10_000, nginx, async () => {
    if ((await fetchStatus(`${baseUrl}${first.path}`)) !== 200) return false;
    for (const doc of documents) {
      const served = await fetchBytes(`${baseUrl}${doc.path}`);
      if (!served.body.equals(doc.body))
        throw new Error(`nginx serves different bytes at ${doc.path} than the app`);
      if (served.contentType !== doc.contentType)
        throw new Error(`nginx serves ${doc.path} as ${served.contentType}, the app as ${doc.contentType}`);
    }
    return true;
  });
  return { baseUrl, version };
}

// ---------------------------------------------------------------------------------------------
// CPU accounting from /proc.

/** The pid and its direct children (nginx: the master and its worker). */
function processTree(pid: number): number[] {
  const pids = [pid];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** Jiffies of the whole machine (all cores) by kind, from the first line of /proc/stat. */
interface MachineCpu {
  user: number;
  system: number;
  softirq: number;
  steal: number;
  idle: number;
  total: number;
}

function machineCpu(): MachineCpu {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return {
    user: user + nice,
    system: system + irq,
    softirq,
    steal,
    idle: idle + iowait,
    total: user + nice + system + idle + iowait + irq + softirq + steal,
  };
}

/** Share of all cores' time per kind between two readings. */
function machineShare(before: MachineCpu, after: MachineCpu): Omit<MachineCpu, 'total'> & { busy: number } {
  const total = Math.max(1, after.total - before.total);
  const share = (key: keyof MachineCpu) => (after[key] - before[key]) / total;
  return {
    user: share('user'),
    system: share('system'),
    softirq: share('softirq'),
    steal: share('steal'),
    idle: share('idle'),
    busy: 1 - share('idle'),
  };
}

// ---------------------------------------------------------------------------------------------
// Load.

interface Target {
  label: string;
  server: 'app' | 'nginx';
  document: Document;
  url: string;
  pids: number[];
}

interface Measurement {
  target: Target;
  result: autocannon.Result;
  /** CPU seconds per wall second (1.0 = one core busy). */
  serverCores: number;
  clientCores: number;
  /** Share of all cores' time by kind, whole machine. */
  machine: ReturnType<typeof machineShare>;
}

/** One autocannon run; Ctrl-C stops it early (the run is then discarded with the rest). */
function runLoad(target: Target, seconds: number, connections: number): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const onSignal = () => instance.stop();
    const instance = autocannon(
      {
        url: target.url,
        connections,
        duration: seconds,
        expectBody: target.document.body.toString('utf8'),
        timeout: 10,
      },
      (error, result) => {
        process.removeListener('SIGINT', onSignal);
        if (error) reject(error instanceof Error ? error : new Error(String(error)));
        else resolve(result);
      },
    );
    process.once('SIGINT', onSignal);
  });
}

async function measureTarget(target: Target, options: Options): Promise<Measurement> {
  console.error(`  ${target.label}: ${WARM_UP_SECONDS} s warm-up, then ${options.seconds} s ...`);
  await runLoad(target, WARM_UP_SECONDS, options.connections);
  const serverBefore = target.pids.reduce((sum, pid) => sum + processCpuSeconds(pid), 0);
  const clientBefore = process.cpuUsage();
  const machineBefore = machineCpu();
  const started = process.hrtime.bigint();
  const result = await runLoad(target, options.seconds, options.connections);
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const serverAfter = target.pids.reduce((sum, pid) => sum + processCpuSeconds(pid), 0);
  const client = process.cpuUsage(clientBefore);
  const machineAfter = machineCpu();
  return {
    target,
    result,
    serverCores: (serverAfter - serverBefore) / wall,
    clientCores: (client.user + client.system) / 1e6 / wall,
    machine: machineShare(machineBefore, machineAfter),
  };
}

// ---------------------------------------------------------------------------------------------
// Report.

function commandLine(options: Options): string {
  const flags = [
    ...(options.seconds === DEFAULT_SECONDS ? [] : [`--seconds ${options.seconds}`]),
    ...(options.connections === DEFAULT_CONNECTIONS ? [] : [`--connections ${options.connections}`]),
    ...(options.build ? [] : ['--no-build']),
  ];
  return flags.length === 0 ? 'npm run bench statuspage' : `npm run bench -- statuspage ${flags.join(' ')}`;
}

function report(r: {
  options: Options;
  date: string;
  loadBefore: string;
  loadAfter: string;
  nginxVersion: string;
  measurements: Measurement[];
}): string {
  const rows = r.measurements.map((m) => {
    const res = m.result;
    const errors = res.errors + res.mismatches;
    return [
      m.target.label,
      String(m.target.document.body.length),
      fixed(res.requests.average, 0),
      String(res.requests.total),
      String(res.latency.p50),
      String(res.latency.p99),
      String(res.latency.max),
      `${errors} / ${res.non2xx}`,
      fixed(m.serverCores, 2),
      fixed(m.clientCores, 2),
      `${fixed(m.machine.busy * 100, 0)}%`,
    ];
  });
  const table = markdownTable(
    [
      'Target',
      'Bytes',
      'req/s',
      'Requests',
      'p50 ms',
      'p99 ms',
      'max ms',
      'Errors / non-2xx',
      'Server cores',
      'Client cores',
      'Machine busy',
    ],
    rows,
    [false, true, true, true, true, true, true, true, true, true, true],
  );
  const cores = os.cpus().length;
  const percent = (share: number) => `${fixed(share * 100, 0)}%`;
  const cpuTable = markdownTable(
    ['Target', 'user', 'system', 'softirq', 'steal', 'idle', 'other processes (cores)'],
    r.measurements.map((m) => [
      m.target.label,
      percent(m.machine.user),
      percent(m.machine.system),
      percent(m.machine.softirq),
      percent(m.machine.steal),
      percent(m.machine.idle),
      // Busy core time not accounted to the server or the load generator (kernel work done in
      // softirq context is counted here too, as the kernel does not charge it to a process).
      fixed(Math.max(0, m.machine.busy * cores - m.serverCores - m.clientCores), 2),
    ]),
    [false, true, true, true, true, true, true],
  );
  const byLabel = (server: 'app' | 'nginx', doc: string) =>
    r.measurements.find((m) => m.target.server === server && m.target.label.includes(doc));
  const verdict = (pass: boolean) => (pass ? 'PASS' : 'FAIL');
  const ratios = ['summary.json', 'incident page'].map((doc) => {
    const app = byLabel('app', doc);
    const nginx = byLabel('nginx', doc);
    const ratio = app && nginx ? app.result.requests.average / nginx.result.requests.average : Number.NaN;
    const clean = [app, nginx].every(
      (m) => m && m.result.errors + m.result.mismatches + m.result.non2xx === 0,
    );
    return { doc, ratio, pass: ratio >= TARGET_RATIO && clean, clean };
  });
  return [
    '## Status page reads (`npm run bench statuspage`)',
    '',
    `Date: ${r.date}`,
    `Machine: ${machineDescription()}`,
    `Load average (1/5/15 min): ${r.loadBefore} before, ${r.loadAfter} after`,
    `Command: ${commandLine(r.options)}`,
    `Run: autocannon ${r.options.connections} keep-alive connections, ${r.options.seconds} s per target after ${WARM_UP_SECONDS} s of warm-up; ` +
      `app = \`node dist/main.js all\` (own process, LOG_LEVEL=warn); nginx = ${r.nginxVersion.replace(/^nginx version: /, '')}, 1 worker process, ` +
      "serving the same bytes from disk; every body checked (expectBody). req/s is autocannon's mean of per-second samples; " +
      "latencies are autocannon's (ms). Server/client cores = CPU seconds per wall second of the server process(es) / of the load generator.",
    '',
    table,
    '',
    `Where the machine's CPU time went during each measured run (all ${cores} cores, /proc/stat):`,
    '',
    cpuTable,
    '',
    ...ratios.map(
      (x) =>
        `Throughput ratio app/nginx, ${x.doc}: ${fixed(x.ratio, 2)} (target ≥ ${TARGET_RATIO}${x.clean ? '' : ', and no errors'}): ${verdict(x.pass)}`,
    ),
    `Overall: ${verdict(ratios.every((x) => x.pass))}`,
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------

async function measure(options: Options): Promise<number> {
  const log = (message: string) => console.error(message);
  const date = new Date().toISOString();
  const loadBefore = loadAverage();

  ensureNginx();
  if (!buildApp(options.build, ['ignore', 2, 2])) return 1;

  const suffix = randomBytes(4).toString('hex');
  world.database = `sitrep_bench_statuspage_${suffix}`;
  world.redisPrefix = `sitrep-bench-statuspage-${suffix}`;
  const databaseUrl = `${POSTGRES_SERVER}/${world.database}`;
  log(`Database ${world.database}: migrating and seeding two incidents ...`);
  await createDatabase(world.database);
  await migrateDatabase({ databaseUrl });
  const { seedId } = await seedIncidents(databaseUrl);
  if (stopping) return 130;

  const appPort = await freePort();
  log(`Starting node dist/main.js all on 127.0.0.1:${appPort} ...`);
  const app = startChild(process.execPath, [MAIN, 'all'], appEnv(databaseUrl, world.redisPrefix, appPort));
  world.app = app;
  const appUrl = `http://127.0.0.1:${appPort}`;
  await waitUntil(
    '/readyz 200',
    BOOT_TIMEOUT_MS,
    app,
    async () => (await fetchStatus(`${appUrl}/readyz`)) === 200,
  );
  // The worker publishes the six updates through the outbox; the page re-checks once a second.
  await waitUntil(
    `${EXPECTED_PUBLISHED_UPDATES} published updates on the JSON API`,
    PUBLISH_TIMEOUT_MS,
    app,
    async () => {
      try {
        const { body } = await fetchBytes(`${appUrl}/api/v2/incidents.json`);
        const parsed = JSON.parse(body.toString('utf8')) as { incidents: { incident_updates: unknown[] }[] };
        return (
          parsed.incidents.reduce((n, i) => n + i.incident_updates.length, 0) === EXPECTED_PUBLISHED_UPDATES
        );
      } catch {
        return false;
      }
    },
  );
  // One more second, so the cache has settled on the final state before its bytes are copied.
  await sleep(1100);

  const documents: Document[] = [];
  for (const docPath of ['/api/v2/summary.json', `/incidents/${seedId}`]) {
    const fetched = await fetchBytes(`${appUrl}${docPath}`);
    documents.push({ path: docPath, ...fetched });
  }
  const nginx = await startNginx(documents);
  log(`nginx serving copies at ${nginx.baseUrl} (${nginx.version})`);
  const appPids = [app.process.pid!];
  const nginxPids = processTree(world.nginx!.process.pid!);

  const [summary, incident] = documents as [Document, Document];
  const targets: Target[] = [
    {
      label: 'app summary.json',
      server: 'app',
      document: summary,
      url: `${appUrl}${summary.path}`,
      pids: appPids,
    },
    {
      label: 'nginx summary.json',
      server: 'nginx',
      document: summary,
      url: `${nginx.baseUrl}${summary.path}`,
      pids: nginxPids,
    },
    {
      label: 'app incident page',
      server: 'app',
      document: incident,
      url: `${appUrl}${incident.path}`,
      pids: appPids,
    },
    {
      label: 'nginx incident page',
      server: 'nginx',
      document: incident,
      url: `${nginx.baseUrl}${incident.path}`,
      pids: nginxPids,
    },
  ];

  log(`Measuring: ${options.connections} connections, ${options.seconds} s per target ...`);
  const measurements: Measurement[] = [];
  for (const target of targets) {
    if (stopping) return 130;
    measurements.push(await measureTarget(target, options));
  }
  if (stopping) return 130;
  // The app's documents must not have changed under load (nothing was published meanwhile).
  for (const doc of documents) {
    const now = await fetchBytes(`${appUrl}${doc.path}`);
    if (!now.body.equals(doc.body)) log(`Note: the app's ${doc.path} changed during the run`);
  }

  console.log(
    `\n${report({ options, date, loadBefore, loadAfter: loadAverage(), nginxVersion: nginx.version, measurements })}`,
  );
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
  const stop = () => {
    stopping = true;
  };
  return runWithCleanup(() => measure(options), {
    signalMessage: 'stopping nginx and the app, dropping the database',
    onSignal: stop,
    onFinish: stop,
    cleanUp,
  });
}
