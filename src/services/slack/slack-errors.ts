import { WebAPIPlatformError, WebAPIRateLimitedError } from '@slack/web-api';

/** Slack's error code of a failed call, if Slack answered `ok: false`. */
export function slackErrorCode(error: unknown): string | undefined {
  return error instanceof WebAPIPlatformError ? error.data.error : undefined;
}

export function retryAfterMs(error: unknown): number | undefined {
  return error instanceof WebAPIRateLimitedError ? Math.max(1, error.retryAfter) * 1000 : undefined;
}

/** Errors that no retry can fix: the job fails at once and the row is marked FAILED. */
const PERMANENT = new Set([
  'channel_not_found',
  'is_archived',
  'invalid_blocks',
  'msg_blocks_too_long',
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'missing_scope',
  'invalid_arguments',
  'too_many_pins',
]);

export function isPermanentSlackError(error: unknown): boolean {
  const code = slackErrorCode(error);
  return code !== undefined && PERMANENT.has(code);
}

/** Calls Slack and treats the listed error codes as success (e.g. `already_pinned`). */
export async function tolerating<T>(call: () => Promise<T>, codes: string[]): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (codes.includes(slackErrorCode(error) ?? '')) return undefined;
    throw error;
  }
}
