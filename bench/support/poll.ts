/** Waiting helpers shared by the benchmarks. */

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export interface PollOptions {
  timeoutMs: number;
  intervalMs: number;
  /** Polling ends (resolving false) as soon as this returns true. */
  stopped: () => boolean;
  /** Called after each failed probe; may throw to give up early. */
  check?: () => void;
  /** The error thrown once timeoutMs has passed. */
  onTimeout: () => Error;
}

/** Probes until it answers true (resolves true) or the run is stopping (resolves false). */
export async function pollUntil(probe: () => Promise<boolean>, options: PollOptions): Promise<boolean> {
  const deadline = Date.now() + options.timeoutMs;
  while (!options.stopped()) {
    if (await probe()) return true;
    options.check?.();
    if (Date.now() > deadline) throw options.onTimeout();
    await sleep(options.intervalMs);
  }
  return false;
}
