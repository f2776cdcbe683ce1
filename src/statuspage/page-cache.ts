import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { StatusSnapshot } from './render/model';

export interface RenderedDocument {
  body: Buffer;
  contentType: string;
  etag: string;
}

/** How often a process asks whether anything changed (one indexed query). */
const CHECK_EVERY_MS = 250;
/** How long a reader waits for a due refresh before being served the last rendered state. */
const STALE_AFTER_MS = 250;

export type DocumentSet = Map<string, { body: string; contentType: string }>;

/**
 * The status page is read far more than it changes, and hardest during an outage: documents are
 * rendered once per change and served from memory. A cheap fingerprint query tells when to render
 * again; while the database is unreachable the last rendered state keeps being served.
 */
export class StatusPageCache {
  private documents = new Map<string, RenderedDocument>();
  private fingerprint: string | undefined;
  private checkedAt = Number.NEGATIVE_INFINITY;
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly deps: {
      fingerprint: () => Promise<string>;
      loadSnapshot: () => Promise<StatusSnapshot>;
      render: (snapshot: StatusSnapshot) => DocumentSet;
      logger: Logger;
      checkEveryMs?: number;
      now?: () => number;
    },
  ) {}

  get hasContent(): boolean {
    return this.documents.size > 0;
  }

  async get(path: string): Promise<RenderedDocument | undefined> {
    const now = (this.deps.now ?? Date.now)();
    if (now - this.checkedAt >= (this.deps.checkEveryMs ?? CHECK_EVERY_MS)) {
      this.checkedAt = now;
      this.refreshing ??= this.refresh().finally(() => {
        this.refreshing = undefined;
      });
    }
    // Readers wait for a due check (one cheap query) so a change shows within a second, but
    // never long: with the database slow or down they get the last rendered state.
    if (this.refreshing) {
      if (!this.hasContent) await this.refreshing;
      else
        await Promise.race([
          this.refreshing,
          new Promise((resolve) => setTimeout(resolve, STALE_AFTER_MS).unref()),
        ]);
    }
    return this.documents.get(path);
  }

  /**
   * Something was just published: the next reader looks at once instead of at the next periodic
   * check. Rendering is left to that reader: it is the costliest work a web process does, and done
   * on every publication it would delay Slack acks on the same event loop even when nobody reads.
   */
  changed(): void {
    this.checkedAt = Number.NEGATIVE_INFINITY;
  }

  private async refresh(): Promise<void> {
    try {
      const fingerprint = await this.deps.fingerprint();
      if (fingerprint === this.fingerprint && this.hasContent) return;
      const rendered = this.deps.render(await this.deps.loadSnapshot());
      this.documents = new Map(
        [...rendered].map(([path, doc]) => {
          const body = Buffer.from(doc.body);
          return [
            path,
            {
              body,
              contentType: doc.contentType,
              etag: `"${createHash('sha1').update(body).digest('base64url')}"`,
            },
          ];
        }),
      );
      this.fingerprint = fingerprint;
    } catch (error) {
      this.deps.logger.warn(
        { event: 'status_page_refresh_failed', err: error },
        `Status page kept its last state: ${(error as Error).message}`,
      );
    }
  }
}
