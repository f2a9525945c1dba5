/**
 * Plain HTTP next to GraphQL: /health (liveness: the process answers), /ready (readiness: the
 * database answers and at least one source is usable; 503 otherwise; and which sources run on a
 * bundled simulator) and /metrics (Prometheus).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Metrics } from '../core/metrics.js';
import type { Services } from '../schema/context.js';

export interface ReadinessProbe {
  databaseReachable(): Promise<boolean>;
}

export type PlainRoute = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

export function plainRoutes(deps: { services: Services; metrics: Metrics; readiness: ReadinessProbe }): Map<string, PlainRoute> {
  const { services, metrics, readiness } = deps;
  return new Map<string, PlainRoute>([
    [
      '/health',
      async (_req, res) => {
        const health = await services.health();
        json(res, 200, { status: health.status, version: health.version, uptimeSeconds: health.uptimeSeconds });
      },
    ],
    [
      '/ready',
      async (_req, res) => {
        const [database, sources] = [await readiness.databaseReachable(), services.sources.all()];
        const usable = sources.filter((s) => s.availability !== 'UNAVAILABLE').map((s) => s.source);
        const ready = database && usable.length > 0;
        // Ready is not the same as real: an orchestrator or operator sees which sources serve invented values.
        const simulated = sources.filter((s) => s.simulated).map((s) => s.source);
        json(res, ready ? 200 : 503, { ready, database, usableSources: usable, simulated });
      },
    ],
    [
      '/metrics',
      async (_req, res) => {
        const body = await metrics.registry.metrics();
        res.writeHead(200, { 'content-type': metrics.registry.contentType });
        res.end(body);
      },
    ],
  ]);
}
