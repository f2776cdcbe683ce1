import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Metrics } from './metrics';

export interface RequestContext {
  requestId: string;
  logger: Logger;
  url: URL;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, ctx: RequestContext) => unknown;

export interface Route {
  /** Label used in metrics; keep cardinality low. */
  name: string;
  methods: readonly string[];
  /** Exact path, or with `prefix` every path starting with it. */
  path: string;
  prefix?: boolean;
  handler: Handler;
  /** Log at debug instead of info (probes and scrapes would drown the log). */
  quiet?: boolean;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(payload);
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * The request target as a URL, or undefined when it is not one: `new URL('//', base)` throws,
 * and a throw here, outside any handler, would take the whole process down.
 */
function requestUrl(target: string | undefined): URL | undefined {
  try {
    return new URL(target ?? '/', 'http://localhost');
  } catch {
    return undefined;
  }
}

function findRoute(routes: Route[], pathname: string): Route | undefined {
  return (
    routes.find((route) => !route.prefix && pathname === route.path) ??
    routes.find((route) => route.prefix && pathname.startsWith(route.path))
  );
}

export interface HttpServer {
  server: Server;
  listen(port: number, host: string): Promise<number>;
  /** Stops accepting connections and waits for requests in flight. */
  close(): Promise<void>;
}

export function createHttpServer(deps: { routes: Route[]; logger: Logger; metrics: Metrics }): HttpServer {
  const server = createServer((req, res) => {
    const started = process.hrtime.bigint();
    const offered = req.headers['x-request-id'];
    const requestId = typeof offered === 'string' && REQUEST_ID.test(offered) ? offered : randomUUID();
    res.setHeader('x-request-id', requestId);
    const url = requestUrl(req.url);
    const route = url && findRoute(deps.routes, url.pathname);
    const logger = deps.logger.child({ reqId: requestId });
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const routeName = route?.name ?? 'not_found';
      deps.metrics.httpRequests.inc({
        route: routeName,
        method: req.method ?? 'GET',
        status: String(res.statusCode),
      });
      deps.metrics.httpDuration.observe({ route: routeName }, seconds);
      // The path only: query strings can carry tokens.
      const entry = {
        method: req.method,
        path: url?.pathname ?? '(unparsable)',
        status: res.statusCode,
        ms: Math.round(seconds * 1000),
      };
      if (route?.quiet && res.statusCode < 500) logger.debug(entry, 'request');
      else logger.info(entry, 'request');
    });

    if (!url) {
      sendJson(res, 400, { error: 'bad_request', message: 'The request target is not a valid path' });
      return;
    }
    if (!route) {
      sendJson(res, 404, { error: 'not_found', message: `No route for ${url.pathname}` });
      return;
    }
    if (!route.methods.includes(req.method ?? '')) {
      sendJson(
        res,
        405,
        { error: 'method_not_allowed', message: `Use ${route.methods.join(' or ')} for ${route.path}` },
        { allow: route.methods.join(', ') },
      );
      return;
    }
    Promise.resolve()
      .then(() => route.handler(req, res, { requestId, logger, url }))
      .catch((error: unknown) => {
        logger.error({ err: error }, 'request failed');
        if (!res.headersSent)
          sendJson(res, 500, { error: 'internal_error', message: 'Something went wrong', requestId });
        else res.end();
      });
  });
  server.keepAliveTimeout = 5000;

  return {
    server,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve((server.address() as AddressInfo).port);
        });
      });
    },
    close() {
      return new Promise((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    },
  };
}
