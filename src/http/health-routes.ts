import type { Metrics } from './metrics';
import { checkReadiness, type ReadinessDeps } from './readiness';
import { sendJson, type Route } from './server';

export function healthRoutes(deps: { readiness: ReadinessDeps; metrics: Metrics }): Route[] {
  return [
    {
      name: 'healthz',
      methods: ['GET', 'HEAD'],
      path: '/healthz',
      quiet: true,
      handler: (_req, res) => sendJson(res, 200, { status: 'ok' }),
    },
    {
      name: 'readyz',
      methods: ['GET', 'HEAD'],
      path: '/readyz',
      quiet: true,
      handler: async (_req, res) => {
        const report = await checkReadiness(deps.readiness);
        sendJson(res, report.status === 'ready' ? 200 : 503, report);
      },
    },
    {
      name: 'metrics',
      methods: ['GET'],
      path: '/metrics',
      quiet: true,
      handler: async (_req, res) => {
        const body = await deps.metrics.registry.metrics();
        res.writeHead(200, { 'content-type': deps.metrics.registry.contentType });
        res.end(body);
      },
    },
  ];
}
