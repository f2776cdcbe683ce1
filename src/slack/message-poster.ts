import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import {
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  type WebClient,
} from '@slack/web-api';

/** What a reminder needs from Slack: one chat.postMessage. */
export interface MessagePoster {
  postMessage(args: {
    channel: string;
    text: string;
    blocks: object[];
  }): Promise<{ channel: string; ts: string }>;
}

const TIMEOUT_MS = 10_000;
/**
 * Sockets to Slack per process. Kept open between bursts: a 9:00 burst then pays no connection
 * (or TLS) setup, and requests beyond this wait in the agent rather than opening more sockets.
 */
const MAX_SOCKETS = 48;

/**
 * chat.postMessage as one JSON POST on a kept-alive socket, for the reminder burst. WebClient
 * costs about twice the CPU per call (fetch/undici streams, its request queue and retry wrapper,
 * form encoding), and at 9:00 a thousand DMs are CPU-bound on that. Errors are WebClient's own
 * classes with the same meaning (429 + Retry-After, `ok: false`, other HTTP status, network), so
 * `slack-errors` treats both paths alike. No retries, like the jobs' WebClient.
 */
export class HttpMessagePoster implements MessagePoster {
  private readonly url: URL;
  private readonly agent: HttpAgent;
  private readonly request: typeof httpRequest;

  constructor(
    private readonly token: string,
    apiUrl: string,
  ) {
    this.url = new URL('chat.postMessage', apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`);
    const https = this.url.protocol === 'https:';
    const options = { keepAlive: true, maxSockets: MAX_SOCKETS, scheduling: 'lifo' as const };
    this.agent = https ? new HttpsAgent(options) : new HttpAgent(options);
    this.request = https ? httpsRequest : httpRequest;
  }

  postMessage(args: {
    channel: string;
    text: string;
    blocks: object[];
  }): Promise<{ channel: string; ts: string }> {
    const body = Buffer.from(JSON.stringify(args));
    return new Promise((resolve, reject) => {
      const req = this.request(
        this.url,
        {
          method: 'POST',
          agent: this.agent,
          timeout: TIMEOUT_MS,
          headers: {
            authorization: `Bearer ${this.token}`,
            'content-type': 'application/json; charset=utf-8',
            'content-length': body.length,
          },
        },
        (res) => {
          readAll(res).then(
            (text) => {
              try {
                resolve(answer(res, text, args.channel));
              } catch (error) {
                reject(error as Error);
              }
            },
            (error: Error) => reject(new WebAPIRequestError(error)),
          );
        },
      );
      req.on('timeout', () => req.destroy(new Error(`chat.postMessage timed out after ${TIMEOUT_MS} ms`)));
      req.on('error', (error) => reject(new WebAPIRequestError(error)));
      req.end(body);
    });
  }
}

function readAll(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}

function answer(res: IncomingMessage, text: string, channel: string): { channel: string; ts: string } {
  const status = res.statusCode ?? 0;
  if (status === 429) {
    const retryAfter = Number.parseInt(String(res.headers['retry-after'] ?? ''), 10);
    // WebClient gives up the same way on a 429 without a usable Retry-After.
    if (Number.isNaN(retryAfter))
      throw new WebAPIHTTPError(status, res.statusMessage ?? '', headersOf(res), text);
    throw new WebAPIRateLimitedError(retryAfter);
  }
  if (status !== 200) throw new WebAPIHTTPError(status, res.statusMessage ?? '', headersOf(res), text);
  let result: { ok?: boolean; error?: string; channel?: string; ts?: string };
  try {
    result = JSON.parse(text) as typeof result;
  } catch {
    result = { ok: false, error: text };
  }
  if (!result.ok)
    throw new WebAPIPlatformError({ ...result, ok: false, error: result.error ?? 'unknown_error' });
  return { channel: result.channel ?? channel, ts: result.ts ?? '' };
}

function headersOf(res: IncomingMessage): Record<string, string> {
  return Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, String(v)]));
}

const posters = new WeakMap<WebClient, MessagePoster>();

/**
 * The lean poster speaking for a WebClient (same token and API URL), one per client so its sockets
 * are shared by every sender in the process. A client without a token keeps using itself.
 */
export function posterFor(client: WebClient): MessagePoster {
  let poster = posters.get(client);
  if (!poster) {
    poster = client.token
      ? new HttpMessagePoster(client.token, client.slackApiUrl)
      : {
          postMessage: async (args) => {
            const result = await client.chat.postMessage(args);
            return { channel: result.channel ?? args.channel, ts: result.ts ?? '' };
          },
        };
    posters.set(client, poster);
  }
  return poster;
}
