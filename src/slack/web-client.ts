import { WebClient } from '@slack/web-api';
import type { SlackConfig } from '../config/config';

/**
 * The client jobs use. No built-in retries and rate-limited calls throw: a job that meets a
 * 429 reschedules itself (BullMQ backoff / rate limit) instead of holding a worker for the
 * ~30 minutes @slack/web-api would otherwise keep retrying.
 */
export function createJobSlackClient(slack: Pick<SlackConfig, 'botToken' | 'apiUrl'>): WebClient {
  return new WebClient(slack.botToken, {
    ...(slack.apiUrl ? { slackApiUrl: slack.apiUrl } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 10000,
  });
}
