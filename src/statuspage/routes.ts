import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson, type Route } from '../http/server';
import type { StatusPageCache } from './page-cache';

/** Public, cacheable by browsers and CDNs for a few seconds; ETags make re-checks cheap. */
const CACHE_CONTROL = 'public, max-age=10, stale-while-revalidate=30';

const PUBLIC_PATHS = [
  '/',
  '/history',
  '/history.atom',
  '/history.rss',
  '/api/v2/summary.json',
  '/api/v2/status.json',
  '/api/v2/components.json',
  '/api/v2/incidents.json',
  '/api/v2/incidents/unresolved.json',
] as const;

function etagMatches(req: IncomingMessage, etag: string): boolean {
  const header = req.headers['if-none-match'];
  if (!header) return false;
  return (
    header === '*' || header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag)
  );
}

async function serve(cache: StatusPageCache, path: string, req: IncomingMessage, res: ServerResponse) {
  const doc = await cache.get(path);
  if (!doc) {
    if (!cache.hasContent) {
      sendJson(res, 503, {
        error: 'status_page_unavailable',
        message: 'The status page has not been rendered yet; try again shortly.',
      });
    } else {
      sendJson(res, 404, { error: 'not_found', message: `No status page at ${path}` });
    }
    return;
  }
  const headers = { etag: doc.etag, 'cache-control': CACHE_CONTROL, 'x-content-type-options': 'nosniff' };
  if (etagMatches(req, doc.etag)) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  res.writeHead(200, { ...headers, 'content-type': doc.contentType, 'content-length': doc.body.length });
  res.end(req.method === 'HEAD' ? undefined : doc.body);
}

export function statusPageRoutes(cache: StatusPageCache): Route[] {
  return [
    ...PUBLIC_PATHS.map((path) => ({
      name: `status:${path}`,
      methods: ['GET', 'HEAD'],
      path,
      handler: (req: IncomingMessage, res: ServerResponse) => serve(cache, path, req, res),
    })),
    {
      name: 'status:incident',
      methods: ['GET', 'HEAD'],
      path: '/incidents/',
      prefix: true,
      handler: (req, res, ctx) => serve(cache, ctx.url.pathname.replace(/\/+$/, ''), req, res),
    },
  ];
}
