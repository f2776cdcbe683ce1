/**
 * Slack accepts about one message a second per channel. Every post Sitrep makes from a job asks
 * the pacer for the channel first; a busy channel makes the job wait its turn (see the outbox
 * worker) instead of collecting 429s. Implemented over Redis (jobs/redis-channel-pacer.ts) so
 * every worker process shares the same turns.
 */
export interface ChannelPacer {
  /** Resolves when this caller may post in `channel` now; throws ChannelBusyError otherwise. */
  take(channel: string): Promise<void>;
  /**
   * Runs `work` while no other caller (in any process) runs work under the same `key`; throws
   * ChannelBusyError when one does. Held at most `ttlMs`, so a killed worker frees it.
   */
  exclusive<T>(key: string, ttlMs: number, work: () => Promise<T>): Promise<T>;
}

export class ChannelBusyError extends Error {
  constructor(
    readonly channel: string,
    /** How long until the channel's next turn. */
    readonly waitMs: number,
  ) {
    super(`Slack channel ${channel} had a message in the last second; posting in ${waitMs} ms`);
  }
}
