import type { FastifyInstance } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import { unauthenticated } from '../errors.js';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/**
 * One registry per app (no global state), so several apps can live in one test process.
 * With a token, /metrics answers only `Authorization: Bearer <token>` (Prometheus' `authorization`).
 */
declare module 'fastify' {
  interface FastifyInstance {
    /** The app's Prometheus registry, for what runs beside HTTP to add its own metrics. */
    metricsRegistry?: Registry;
  }
}

export function installMetrics(app: FastifyInstance, service: string, token?: string): void {
  const registry = new Registry();
  app.decorate('metricsRegistry', registry);
  registry.setDefaultLabels({ service });
  // Event-loop lag sampled every 100 ms, not prom-client's default 10 ms: the finer histogram wakes
  // an idle service a hundred times a second.
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 100 });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  // One labelled child per method, route and status, looked up by a string key: observing with
  // a label object makes prom-client sort and hash the labels on every request.
  const children = new Map<string, ReturnType<typeof duration.labels>>();
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const key = `${request.method} ${route} ${reply.statusCode}`;
    let child = children.get(key);
    if (!child) {
      child = duration.labels({ method: request.method, route, status_code: String(reply.statusCode) });
      children.set(key, child);
    }
    child.observe(reply.elapsedTime / 1000);
    done();
  });
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (token !== undefined && !sameSecret(request.headers.authorization ?? '', `Bearer ${token}`)) {
      throw unauthenticated('/metrics needs its bearer token', 'METRICS_TOKEN_REQUIRED');
    }
    reply.type(registry.contentType);
    return registry.metrics();
  });
}

/** Compares digests, so neither the length nor the content of the token leaks through timing. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
