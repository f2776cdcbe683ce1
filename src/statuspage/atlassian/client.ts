/**
 * A small Atlassian Statuspage REST v1 client (global fetch, no dependencies).
 *
 * Pacing: Statuspage allows about one request per second per API key, so one client instance sends
 * its requests one at a time through an internal promise chain, never two closer than
 * `minIntervalMs` (measured from the start of one request to the start of the next, retries
 * included). Use one instance per API key in a process; separate processes sharing a key are not
 * coordinated and must rely on the 420/429 handling below.
 *
 * Retries: 420/429 wait Retry-After (seconds or an HTTP date; 1 s when absent, at most 60 s);
 * 5xx, network errors and timeouts back off 500 ms, 1 s, 2 s, …; any other 4xx throws at once.
 * `maxRetries` bounds the retries of one call (so at most maxRetries + 1 attempts).
 * Statuspage has no idempotency key: a create that fails with a 5xx or a timeout after Statuspage
 * stored it is repeated and can leave a duplicate incident. A 420/429 is always safe to repeat.
 */
import { z } from 'zod';
import { errorDetail, isPermanentStatus, parseRetryAfter, redact, StatuspageError } from './errors';
import type {
  StatuspageIncident,
  StatuspageIncidentInput,
  StatuspageIncidentStatus,
  StatuspagePostmortem,
} from './types';

/**
 * A tenth of a second over Statuspage's one request a second: requests sent exactly a second apart
 * can arrive closer than that (the earlier one delayed on the way) and be refused with a 429.
 */
export const DEFAULT_MIN_INTERVAL_MS = 1100;

export interface StatuspageClientOptions {
  apiKey: string;
  pageId: string;
  /** Default https://api.statuspage.io/v1 */
  baseUrl?: string;
  /** Default DEFAULT_MIN_INTERVAL_MS. */
  minIntervalMs?: number;
  /** Default 5. */
  maxRetries?: number;
  /** Per attempt, default 15 000 ms; a timeout counts as a network error. */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Defaults to the global fetch; for tests. */
  fetch?: typeof fetch;
}

export interface PublishPostmortemOptions {
  /** Email the page's subscribers about the postmortem. Default false. */
  notifySubscribers?: boolean;
}

export const DEFAULT_BASE_URL = 'https://api.statuspage.io/v1';
const FIRST_BACKOFF_MS = 500;

const incidentResponseSchema = z.object({
  id: z.string().min(1),
  shortlink: z.string().nullish(),
  status: z.string().optional(),
});
const postmortemResponseSchema = z.object({ published_at: z.string().nullish() });

type Method = 'POST' | 'PATCH' | 'PUT';
interface Answer {
  status: number;
  text: string;
  label: string;
}

export class StatuspageClient {
  readonly #apiKey: string;
  private readonly pageId: string;
  private readonly baseUrl: string;
  private readonly minIntervalMs: number;
  private readonly maxRetries: number;
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly fetchImpl: typeof fetch;
  private queue: Promise<unknown> = Promise.resolve();
  private lastSentAt: number | undefined;

  constructor(options: StatuspageClientOptions) {
    if (options.apiKey.trim() === '') throw new Error('StatuspageClient: apiKey is empty');
    if (options.pageId.trim() === '') throw new Error('StatuspageClient: pageId is empty');
    this.#apiKey = options.apiKey;
    this.pageId = options.pageId;
    this.baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
    this.minIntervalMs = Math.max(0, options.minIntervalMs ?? DEFAULT_MIN_INTERVAL_MS);
    this.maxRetries = Math.max(0, Math.floor(options.maxRetries ?? 5));
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** POST /pages/{page_id}/incidents */
  async createIncident(input: StatuspageIncidentInput): Promise<StatuspageIncident> {
    const answer = await this.send('POST', '/incidents', incidentBody(input));
    return parseIncident(answer, input.status);
  }

  /** PATCH /pages/{page_id}/incidents/{incident_id}; the body becomes a new incident update. */
  async updateIncident(incidentId: string, input: StatuspageIncidentInput): Promise<StatuspageIncident> {
    const answer = await this.send(
      'PATCH',
      `/incidents/${encodeURIComponent(incidentId)}`,
      incidentBody(input),
    );
    return parseIncident(answer, input.status);
  }

  /**
   * Saves the draft (PUT …/postmortem `{postmortem: {body_draft}}`), then publishes it
   * (PUT …/postmortem/publish `{postmortem: {notify_twitter: false, notify_subscribers}}`).
   */
  async publishPostmortem(
    incidentId: string,
    bodyMarkdown: string,
    options: PublishPostmortemOptions = {},
  ): Promise<StatuspagePostmortem> {
    const path = `/incidents/${encodeURIComponent(incidentId)}/postmortem`;
    await this.send('PUT', path, { postmortem: { body_draft: bodyMarkdown } });
    const answer = await this.send('PUT', `${path}/publish`, {
      postmortem: { notify_twitter: false, notify_subscribers: options.notifySubscribers ?? false },
    });
    const parsed = postmortemResponseSchema.safeParse(parseJson(answer.text));
    const publishedAt = parsed.success ? parsed.data.published_at : undefined;
    return publishedAt ? { publishedAt } : {};
  }

  /** `path` is below /pages/{page_id}, its parts already URL-encoded. */
  private send(method: Method, path: string, body: unknown): Promise<Answer> {
    const run = this.queue.then(() => this.attempt(method, path, body));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Waits until the next request may go out: at least `extraMs`, and `minIntervalMs` after the last one. */
  private async pace(extraMs: number): Promise<void> {
    const sinceLast = this.lastSentAt === undefined ? 0 : this.lastSentAt + this.minIntervalMs - this.now();
    const wait = Math.max(extraMs, sinceLast);
    if (wait > 0) await this.sleep(wait);
    this.lastSentAt = this.now();
  }

  private async attempt(method: Method, path: string, body: unknown): Promise<Answer> {
    const label = `Statuspage ${method} /pages/${this.pageId}${path}`;
    const url = `${this.baseUrl}/pages/${encodeURIComponent(this.pageId)}${path}`;
    const init: RequestInit = {
      method,
      headers: {
        Authorization: `OAuth ${this.#apiKey}`,
        'Content-Type': 'application/json',
        Accept: 'application/json',
      },
      body: JSON.stringify(body),
    };
    let waitMs = 0;
    let backoffs = 0;
    for (let attempt = 1; ; attempt++) {
      await this.pace(waitMs);
      const giveUp = attempt > this.maxRetries;
      let status: number;
      let text: string;
      let retryAfter: string | null;
      try {
        const response = await this.fetchImpl(url, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
        status = response.status;
        retryAfter = response.headers.get('retry-after');
        text = await response.text();
      } catch (error) {
        const reason = redact(error instanceof Error ? describe(error) : String(error), this.#apiKey);
        if (giveUp)
          throw new StatuspageError(`${label}: no answer after ${attempt} attempts: ${reason}`, {
            permanent: false,
          });
        waitMs = FIRST_BACKOFF_MS * 2 ** backoffs++;
        continue;
      }
      if (status >= 200 && status < 300) return { status, text, label };
      const detail = redact(errorDetail(text), this.#apiKey);
      const suffix = detail === '' ? '' : `: ${detail}`;
      if (status === 420 || status === 429) {
        const retryAfterMs = parseRetryAfter(retryAfter, this.now());
        if (giveUp) {
          throw new StatuspageError(`${label}: rate limited (HTTP ${status}) ${attempt} times${suffix}`, {
            status,
            permanent: false,
            retryAfterMs,
          });
        }
        waitMs = retryAfterMs;
        continue;
      }
      if (status >= 500 && !giveUp) {
        waitMs = FIRST_BACKOFF_MS * 2 ** backoffs++;
        continue;
      }
      const after = status >= 500 ? ` after ${attempt} attempts` : '';
      throw new StatuspageError(`${label}: HTTP ${status}${after}${suffix}`, {
        status,
        permanent: isPermanentStatus(status),
      });
    }
  }
}

function incidentBody(input: StatuspageIncidentInput): { incident: Record<string, unknown> } {
  const componentIds = Object.keys(input.componentStatuses);
  return {
    incident: {
      name: input.name,
      status: input.status,
      body: input.body,
      impact_override: input.impactOverride,
      // Left out when empty, so an update never clears the components an incident already lists.
      ...(componentIds.length > 0 && { component_ids: componentIds, components: input.componentStatuses }),
      deliver_notifications: input.deliverNotifications,
    },
  };
}

function parseIncident(answer: Answer, sentStatus: StatuspageIncidentStatus): StatuspageIncident {
  const parsed = incidentResponseSchema.safeParse(parseJson(answer.text));
  if (!parsed.success) {
    const problem = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
    // The request may have taken effect: repeating it could duplicate the incident.
    throw new StatuspageError(`${answer.label}: unexpected response (HTTP ${answer.status}): ${problem}`, {
      status: answer.status,
      permanent: true,
    });
  }
  const { id, shortlink, status } = parsed.data;
  return { id, status: status ?? sentStatus, ...(shortlink ? { shortlink } : {}) };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describe(error: Error): string {
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${error.name === 'TimeoutError' ? 'timed out' : error.message}${cause}`;
}
