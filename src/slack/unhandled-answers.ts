import type { IncomingMessage, ServerResponse } from 'node:http';

/** A one-section modal: a modal can only show field errors next to its own blocks. */
export function noticeModal(text: string) {
  return {
    type: 'modal',
    title: { type: 'plain_text', text: 'Sitrep' },
    close: { type: 'plain_text', text: 'Close' },
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
  };
}

export const TRY_AGAIN_TEXT =
  'Sitrep could not finish this just now (its database or queue may be restarting). Please try again in a moment; repeating it is safe.';

type Body = Record<string, unknown>;

/** Keeps what the user typed: the message goes next to the form's first input block. */
function modalAnswer(body: Body): unknown {
  const view = (body.view ?? {}) as { state?: { values?: unknown } };
  const values = view.state?.values;
  const firstBlock =
    values && typeof values === 'object' ? Object.keys(values as Record<string, unknown>)[0] : undefined;
  return firstBlock
    ? { response_action: 'errors', errors: { [firstBlock]: TRY_AGAIN_TEXT } }
    : { response_action: 'update', view: noticeModal(TRY_AGAIN_TEXT) };
}

/** The body Bolt parsed, read again from the raw body it buffered (form or JSON). */
function bodyOf(request: IncomingMessage): Body | undefined {
  const raw = (request as IncomingMessage & { rawBody?: Buffer }).rawBody;
  if (!raw) return undefined;
  try {
    const text = raw.toString('utf8');
    if (request.headers['content-type'] === 'application/x-www-form-urlencoded') {
      const form = new URLSearchParams(text);
      const payload = form.get('payload');
      return payload !== null ? (JSON.parse(payload) as Body) : Object.fromEntries(form);
    }
    return JSON.parse(text) as Body;
  } catch {
    return undefined;
  }
}

/**
 * What Slack should show when a listener failed or did not answer in time (PostgreSQL dropped
 * its connections, say): the user is told to try again instead of Slack's bare error. Repeating
 * is safe: modal submissions are keyed by their view id.
 */
export function answerUnfinished(request: IncomingMessage, response: ServerResponse): void {
  if (response.headersSent) return;
  const body = bodyOf(request);
  let answer: unknown;
  if (typeof body?.command === 'string') answer = { response_type: 'ephemeral', text: TRY_AGAIN_TEXT };
  else if (body?.type === 'view_submission') answer = modalAnswer(body);
  if (answer === undefined) {
    // Buttons, shortcuts and events: Slack shows nothing for an ack; say it failed instead.
    response.writeHead(503, { 'content-type': 'application/json; charset=utf-8' });
    response.end(JSON.stringify({ error: 'unavailable', message: TRY_AGAIN_TEXT }));
    return;
  }
  response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(answer));
}
