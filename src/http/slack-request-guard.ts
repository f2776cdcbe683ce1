import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { sendJson } from './server';

/** Bolt's own default; a modal submission with 100 blocks stays far below it. */
export const SLACK_BODY_LIMIT = 4 * 1024 * 1024;
/** Slack signs the request time; anything further from our clock than this is refused. */
const MAX_CLOCK_SKEW_SECONDS = 5 * 60;
const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** Why a request is not from Slack, or undefined when its signature and time check out. */
function signatureProblem(
  req: IncomingMessage,
  body: Buffer,
  signingSecret: string,
  nowSeconds: number,
): { error: string; message: string } | undefined {
  const timestamp = header(req, 'x-slack-request-timestamp');
  const signature = header(req, 'x-slack-signature');
  if (!timestamp || !signature) {
    return {
      error: 'missing_signature',
      message: 'X-Slack-Signature and X-Slack-Request-Timestamp are required',
    };
  }
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > MAX_CLOCK_SKEW_SECONDS) {
    return {
      error: 'stale_request',
      message: 'X-Slack-Request-Timestamp is more than 5 minutes away from the server clock',
    };
  }
  const expected = Buffer.from(
    `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:`).update(body).digest('hex')}`,
  );
  const offered = Buffer.from(signature);
  if (offered.length !== expected.length || !timingSafeEqual(offered, expected)) {
    return { error: 'invalid_signature', message: 'The request signature does not match' };
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Interaction payload types Slack sends (Bolt routes each of them to some kind of listener). */
const INTERACTION_TYPES = new Set([
  'block_actions',
  'block_suggestion',
  'view_submission',
  'view_closed',
  'shortcut',
  'message_action',
  'interactive_message',
  'dialog_submission',
  'dialog_cancellation',
  'dialog_suggestion',
  'workflow_step_edit',
]);

const isObjectOrNull = (value: unknown) => value === null || isObject(value);

/** The parts of an interaction Bolt reads before any listener (who, which team, which view). */
function interactionShapeProblem(payload: Record<string, unknown>): Verdict {
  if (!isObject(payload.user) || typeof payload.user.id !== 'string')
    return { problem: 'An interaction payload needs a user with an id' };
  for (const key of ['team', 'enterprise', 'channel', 'container'] as const) {
    if (key in payload && !isObjectOrNull(payload[key])) return { problem: `${key} must be an object` };
  }
  if ((payload.type === 'view_submission' || payload.type === 'view_closed') && !isObject(payload.view))
    return { problem: `A ${payload.type} payload needs a view` };
  if (payload.type === 'block_actions' && !Array.isArray(payload.actions))
    return { problem: 'A block_actions payload needs actions' };
  return undefined;
}

type Verdict = { problem: string } | { answer: 'ok' } | undefined;

/**
 * Whether a signed body is something Slack sends: a problem (400), an answer given here, or
 * undefined to hand it to Bolt. Bolt ignores bodies whose kind it cannot tell, unanswered, and
 * Slack would wait out its 3 s; those are refused here instead.
 */
function judgeBody(contentType: string, text: string): Verdict {
  if (contentType === JSON_TYPE) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return { problem: 'The body is not valid JSON' };
    }
    if (!isObject(parsed)) return { problem: 'Expected an Events API body: a JSON object' };
    if (parsed.type === 'url_verification') return undefined;
    // Slack tells us it is holding back events; there is nothing to do but acknowledge it.
    if (parsed.type === 'app_rate_limited') return { answer: 'ok' };
    if (parsed.type === 'event_callback' && isObject(parsed.event) && typeof parsed.event.type === 'string') {
      // Bolt reads these with `in` before any listener runs; null or a string would throw there.
      const { event } = parsed;
      if ('item' in event && !isObject(event.item)) return { problem: 'event.item must be an object' };
      if ('channel' in event && typeof event.channel !== 'string' && !isObject(event.channel))
        return { problem: 'event.channel must be a string or an object' };
      return undefined;
    }
    return { problem: 'Expected an Events API body: url_verification, or event_callback with an event' };
  }
  const form = new URLSearchParams(text);
  const payload = form.get('payload');
  if (payload !== null) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload);
    } catch {
      return { problem: 'The payload field is not valid JSON' };
    }
    if (!isObject(parsed) || typeof parsed.type !== 'string' || !INTERACTION_TYPES.has(parsed.type))
      return { problem: 'Expected an interaction payload: a JSON object with a known "type"' };
    return interactionShapeProblem(parsed);
  }
  if (!form.get('command'))
    return { problem: 'Expected a slash command (a "command" field) or a "payload" field' };
  return undefined;
}

/**
 * Stands in front of Bolt's receiver on /slack/events: Bolt answers bad requests with an empty
 * 400/401/413 (and accepts timestamps from the future), so requests that are not signed by
 * Slack, too large, of another content type or malformed are refused here with a JSON reason,
 * before any listener runs. What passes is handed to Bolt with the body already read.
 */
export function guardSlackRequests(
  options: { signingSecret: string; bodyLimit?: number; nowSeconds?: () => number },
  next: RequestListener,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const limit = options.bodyLimit ?? SLACK_BODY_LIMIT;
  const now = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  return async (req, res) => {
    const tooLarge = () =>
      sendJson(
        res,
        413,
        { error: 'payload_too_large', message: `Request bodies are limited to ${limit} bytes` },
        { connection: 'close' },
      );
    if (Number(req.headers['content-length'] ?? 0) > limit) return tooLarge();
    let body: Buffer;
    try {
      body = await readBody(req, limit);
    } catch (error) {
      if (error instanceof BodyTooLarge) return tooLarge();
      throw error;
    }
    const contentType = (header(req, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    const text = body.toString('utf8');
    // Slack checks the certificate with an unsigned form post; it carries nothing to act on.
    if (contentType === FORM && new URLSearchParams(text).get('ssl_check') === '1') {
      res.writeHead(200);
      res.end();
      return;
    }
    const unsigned = signatureProblem(req, body, options.signingSecret, now());
    if (unsigned) return sendJson(res, 401, unsigned);
    if (contentType !== FORM && contentType !== JSON_TYPE) {
      return sendJson(res, 415, {
        error: 'unsupported_media_type',
        message: `Slack sends ${FORM} or ${JSON_TYPE}; got ${contentType || 'no content type'}`,
      });
    }
    const verdict = judgeBody(contentType, text);
    if (verdict && 'problem' in verdict)
      return sendJson(res, 400, { error: 'malformed_body', message: verdict.problem });
    if (verdict) {
      res.writeHead(200);
      res.end();
      return;
    }
    // Bolt reads `rawBody` instead of the (consumed) stream, and compares the type exactly.
    Object.assign(req, { rawBody: body });
    req.headers['content-type'] = contentType;
    next(req, res);
  };
}
