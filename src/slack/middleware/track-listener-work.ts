import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';

/**
 * Listeners ack first and keep working afterwards (opening a modal, posting a reply, handing a
 * stored submission to its queue). Shutdown must let that work finish before it closes the
 * queues and the pool under it, so every request's whole middleware chain is tracked here:
 * Bolt's `next()` settles only once the listener itself has returned.
 */
export interface ListenerWork {
  middleware: Middleware<AnyMiddlewareArgs>;
  inFlight(): number;
  /** Resolves when no listener is running, or after timeoutMs; says which. */
  settle(timeoutMs: number): Promise<'settled' | 'timed out'>;
}

export function trackListenerWork(): ListenerWork {
  const running = new Set<Promise<unknown>>();
  return {
    middleware: async ({ next }) => {
      const work = next();
      running.add(work);
      try {
        await work;
      } finally {
        running.delete(work);
      }
    },
    inFlight: () => running.size,
    async settle(timeoutMs) {
      if (running.size === 0) return 'settled';
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timed out'>((resolve) => {
        timer = setTimeout(() => resolve('timed out'), timeoutMs);
      });
      // Listeners that start while others finish are waited for too, until the deadline.
      const allDone = (async (): Promise<'settled'> => {
        while (running.size > 0) await Promise.allSettled([...running]);
        return 'settled';
      })();
      try {
        return await Promise.race([allDone, timedOut]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
