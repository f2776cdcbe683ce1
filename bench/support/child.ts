/** The built app (`dist/main.js`) as a child process: building it and stopping a child. */
import { spawnSync, type ChildProcess, type StdioOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

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
