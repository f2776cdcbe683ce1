import type { WebClient } from '@slack/web-api';

const TTL_MS = 6 * 60 * 60 * 1000;
const FAILED_TTL_MS = 60 * 1000;
const MAX_ENTRIES = 50_000;

/**
 * Owners' Slack time zones (users.info `tz`), remembered for a few hours per process: a reminder
 * plan needs one per item, and people rarely move. Unknown or failing lookups count as UTC briefly.
 */
export class UserTimeZones {
  private readonly known = new Map<string, { tz: string; until: number }>();

  constructor(private readonly slack: Pick<WebClient, 'users'>) {}

  async of(userId: string): Promise<string> {
    const hit = this.known.get(userId);
    if (hit && hit.until > Date.now()) return hit.tz;
    let tz = 'UTC';
    let ttl = FAILED_TTL_MS;
    try {
      const found = (await this.slack.users.info({ user: userId })).user?.tz;
      if (found) {
        tz = found;
        ttl = TTL_MS;
      }
    } catch {
      // Reminders still go out, at UTC working hours, until the next lookup succeeds.
    }
    if (this.known.size >= MAX_ENTRIES) this.known.clear();
    this.known.set(userId, { tz, until: Date.now() + ttl });
    return tz;
  }
}
