/** HTTP plumbing for the fake Slack server (test/support/fake-slack.ts): request bodies and answers. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Args, SlackApiError } from './fake-slack-rules';

export async function readBody(req: IncomingMessage): Promise<{ body: string; type: string | undefined }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  return { body: Buffer.concat(chunks).toString('utf8'), type };
}

export async function readArgs(req: IncomingMessage, query: URLSearchParams): Promise<Args> {
  const { body, type } = await readBody(req);
  const args: Args = Object.fromEntries(query);
  if (body === '') return args;
  if (type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new SlackApiError('invalid_json');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new SlackApiError('json_not_object');
    return { ...args, ...(parsed as Args) };
  }
  if (type === 'application/x-www-form-urlencoded')
    return { ...args, ...Object.fromEntries(new URLSearchParams(body)) };
  throw new SlackApiError('invalid_form_data');
}

/** A response_url body: JSON (what Bolt's respond() sends) or a form with a `payload` field. */
export function parseResponseBody(body: string, type: string | undefined): Args | undefined {
  try {
    const json =
      type === 'application/x-www-form-urlencoded' ? new URLSearchParams(body).get('payload') : body;
    const parsed: unknown = JSON.parse(json ?? '');
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Args)
      : undefined;
  } catch {
    return undefined;
  }
}

export function send(
  res: ServerResponse,
  status: number,
  body: Args,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}
