/**
 * Benchmark dispatcher: `npm run bench -- <name> [options]` runs one benchmark.
 *
 * Benchmarks measure; they never assert. Results are copied by hand into BENCHMARKS.md
 * together with the machine and the date they were taken on.
 *
 * To add a benchmark, write `bench/<name>.ts` exporting `run(args: string[])` (resolving to an
 * exit code, or nothing for 0) and add a line to BENCHMARKS below.
 */

export interface Benchmark {
  run(args: string[]): Promise<number | void>;
}

interface BenchmarkEntry {
  description: string;
  /** Loaded lazily so one benchmark's imports never slow down or break another. */
  load: () => Promise<Benchmark>;
}

const BENCHMARKS: Record<string, BenchmarkEntry> = {
  boot: {
    description: 'Time from spawning `node dist/main.js web` to the first /readyz 200',
    load: () => import('./boot'),
  },
  slack: {
    description: 'Ack latency of signed declare/update modal submissions under concurrent clients',
    load: () => import('./slack'),
  },
  statuspage: {
    description:
      'Public status page reads (summary.json, incident page): app vs nginx serving the same bytes',
    load: () => import('./statuspage'),
  },
  load: {
    description:
      'Incidents updated through signed Slack requests while the status page is read: acks, lags, Slack rate per channel',
    load: () => import('./load'),
  },
  publish: {
    description: 'Time from a signed Slack update submission to the update on /api/v2/incidents.json',
    load: () => import('./publish'),
  },
  reminders: {
    description:
      'Scheduling reminders for 100,000 action items (time, Redis memory) and DM lag for 1,000 due at once',
    load: () => import('./reminders'),
  },
};

const EXIT_USAGE = 2;

function usage(): string {
  const width = Math.max(...Object.keys(BENCHMARKS).map((name) => name.length));
  const lines = Object.entries(BENCHMARKS).map(
    ([name, entry]) => `  ${name.padEnd(width)}  ${entry.description}`,
  );
  return [
    'Usage: npm run bench -- <benchmark> [options]',
    '       (or: npx tsx bench/run.ts <benchmark> [options])',
    '',
    'Available benchmarks:',
    ...lines,
    '',
    'Pass --help after a benchmark name for its options.',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return 0;
  }
  const entry = name === undefined ? undefined : BENCHMARKS[name];
  if (!entry) {
    if (name !== undefined) console.error(`Unknown benchmark: ${name}\n`);
    console.error(usage());
    return EXIT_USAGE;
  }
  const benchmark = await entry.load();
  return (await benchmark.run(args)) ?? 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 1;
  },
);
