import { createHmac } from 'node:crypto';

export const TEST_SIGNING_SECRET = 'test-signing-secret-0123456789';
export const TEST_BOT_TOKEN = 'xoxb-test-0000-bot-token';

/** Signs a body the way Slack does (v0 HMAC-SHA256 over `v0:<timestamp>:<body>`). */
export function slackSignature(body: string, timestamp: number, secret = TEST_SIGNING_SECRET): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export async function postSigned(
  url: string,
  body: string,
  contentType: string,
  options: { secret?: string; timestamp?: number } = {},
): Promise<Response> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackSignature(body, timestamp, options.secret),
    },
    body,
  });
}

/** A `/incident` slash command as Slack sends it (form-encoded). */
export function sendSlashCommand(
  baseUrl: string,
  text: string,
  overrides: Record<string, string> = {},
): Promise<Response> {
  const body = new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: 'T0TEST',
    team_domain: 'sitrep-test',
    channel_id: 'C0GENERAL',
    channel_name: 'general',
    user_id: 'U0RESPONDER',
    user_name: 'responder',
    command: '/incident',
    text,
    api_app_id: 'A0SITREP',
    response_url: 'https://hooks.slack.invalid/commands/T0TEST/1/abc',
    trigger_id: `trigger-${Date.now()}-${Math.random().toString(16).slice(2)}`,
    ...overrides,
  }).toString();
  return postSigned(`${baseUrl}/slack/events`, body, 'application/x-www-form-urlencoded');
}
