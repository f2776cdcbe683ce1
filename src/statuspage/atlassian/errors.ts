/** Failures of the Statuspage client. Messages never contain the API key. */

export interface StatuspageErrorDetails {
  /** HTTP status; absent when no response arrived (network error, timeout). */
  status?: number;
  /** true: repeating the same request cannot succeed (bad key, unknown page/incident, invalid body). */
  permanent: boolean;
  /** For a rate-limit answer that survived every retry: how long Statuspage asked to wait. */
  retryAfterMs?: number;
}

export class StatuspageError extends Error {
  override readonly name = 'StatuspageError';
  readonly status: number | undefined;
  readonly permanent: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(message: string, details: StatuspageErrorDetails) {
    super(message);
    this.status = details.status;
    this.permanent = details.permanent;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/**
 * 4xx answers that are not rate limits: permanent except 408 (request timeout) and 409 (conflict),
 * which can succeed when repeated later. 401, 403, 404 and 422 are permanent.
 */
export function isPermanentStatus(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 409;
}

const MAX_DETAIL_CHARS = 500;

/**
 * The human part of an error body: Statuspage answers `{"error": "..."}`, `{"error": ["...", ...]}`
 * or `{"message": "..."}`; anything else is shown as text, shortened.
 */
export function errorDetail(bodyText: string): string {
  let detail = bodyText.trim();
  try {
    const parsed: unknown = JSON.parse(bodyText);
    if (typeof parsed === 'object' && parsed !== null) {
      const record = parsed as Record<string, unknown>;
      const picked = [record.error, record.message, record.errors].find((value) => value !== undefined);
      if (typeof picked === 'string') detail = picked;
      else if (Array.isArray(picked)) detail = picked.map(String).join('; ');
      else if (picked !== undefined) detail = JSON.stringify(picked);
    }
  } catch {
    // not JSON: keep the text
  }
  return detail.length > MAX_DETAIL_CHARS ? `${detail.slice(0, MAX_DETAIL_CHARS)}…` : detail;
}

/** Removes every occurrence of the secret, in case a server or proxy echoes it back. */
export function redact(text: string, secret: string): string {
  return secret === '' ? text : text.split(secret).join('[redacted]');
}

const DEFAULT_RETRY_AFTER_MS = 1000;
const MAX_RETRY_AFTER_MS = 60_000;

/** Retry-After in seconds or as an HTTP date; default 1 s; capped at 60 s. */
export function parseRetryAfter(header: string | null, nowMs: number): number {
  const value = header?.trim() ?? '';
  let ms = DEFAULT_RETRY_AFTER_MS;
  if (/^\d+(\.\d+)?$/.test(value)) ms = Number(value) * 1000;
  else if (value !== '' && !Number.isNaN(Date.parse(value))) ms = Math.max(0, Date.parse(value) - nowMs);
  return Math.min(ms, MAX_RETRY_AFTER_MS);
}
