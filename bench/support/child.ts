/** The built app (`dist/main.js`) as a child process: building it and stopping a child. */
import { spawn, spawnSync, type ChildProcess, type StdioOptions } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';

export const ROOT = path.resolve(__dirname, '..', '..');
export const MAIN = path.join(ROOT, 'dist', 'main.js');

/**
 * `npm run build` unless `build` is false, then checks that dist/main.js exists. Returns false
 * (after saying why) when the benchmark cannot go on.
 */
export function buildApp(build: boolean, stdio: StdioOptions): boolean {
  if (build) {
    console.error('$ npm run build');
    const result = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio });
    if (result.status !== 0) {
      console.error(`npm run build failed (status ${result.status})`);
      return false;
    }
  }
  if (!existsSync(MAIN)) {
    console.error(`${MAIN} does not exist: run \`npm run build\` or drop --no-build`);
    return false;
  }
  return true;
}

/** SIGTERM, then SIGKILL (saying `killMessage`) if the child has not exited within timeoutMs. */
export async function stopChildProcess(
  child: ChildProcess,
  exited: Promise<unknown>,
  hasExited: () => boolean,
  timeoutMs: number,
  killMessage: string,
): Promise<void> {
  if (hasExited()) return;
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    exited.then(() => false),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  if (timedOut) {
    console.error(killMessage);
    child.kill('SIGKILL');
    await exited;
  }
}

/** A child process whose last 50 lines of stdout and stderr are kept for error messages. */
export interface Child {
  process: ChildProcess;
  exited: Promise<void>;
  hasExited: () => boolean;
  output: string[];
}

const STOP_TIMEOUT_MS = 20_000;

/** Starts a child whose stdout and stderr lines are kept (the last 50) for error messages. */
export function startChild(command: string, args: string[], env: NodeJS.ProcessEnv): Child {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const keep = (line: string) => {
    output.push(line);
    if (output.length > 50) output.shift();
  };
  createInterface({ input: child.stdout! }).on('line', keep);
  createInterface({ input: child.stderr! }).on('line', keep);
  let hasExited = false;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      hasExited = true;
      resolve();
    });
    child.once('error', (error) => {
      keep(`spawn error: ${error.message}`);
      hasExited = true;
      resolve();
    });
  });
  return { process: child, exited, hasExited: () => hasExited, output };
}

/** SIGTERM, then SIGKILL if the child has not exited within STOP_TIMEOUT_MS. */
export function stopChild(child: Child, name: string): Promise<void> {
  return stopChildProcess(
    child.process,
    child.exited,
    child.hasExited,
    STOP_TIMEOUT_MS,
    `${name} (pid ${child.process.pid}) ignored SIGTERM for ${STOP_TIMEOUT_MS} ms; sending SIGKILL`,
  );
}

/** A port nothing listens on right now, for a child that must be told its port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const CLOCK_TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux x64

/** utime + stime of one process, in seconds (0 once it has gone). */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}
