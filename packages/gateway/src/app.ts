import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import { authenticationPlugin, createService, tokenSourceFrom, type ServiceInstance } from '@pms/platform/http';
import { AppError } from '@pms/platform/errors';
import type { GatewayConfig } from './config.js';
import { registerFhirGateway } from './fhir/routes.js';
import { registerConsole } from './routes/console.js';
import { registerDocs } from './routes/docs.js';
import { createBalancer, type Balancer } from './balancer.js';
import { poolOptions, registerProxy } from './routes/proxy.js';
import { upstreamChecks } from './routes/readiness.js';
import { installSecurityHeaders } from './security-headers.js';
import { upstreamsOf } from './upstreams.js';

export interface AppDeps {
  config: GatewayConfig;
}

/** The front door (DESIGN.md §3): routing, token checks, rate limits, CORS, security headers, /docs, the web console. */
export async function buildApp({ config }: AppDeps): Promise<ServiceInstance> {
  const tuning = {
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
    connectTimeoutMs: config.UPSTREAM_CONNECT_TIMEOUT_MS,
    connections: config.UPSTREAM_CONNECTIONS,
  };
  const balancers: Balancer[] = [];
  // The app's logger does not exist yet: the balancers log through it once it does.
  const late: { log?: Pick<ServiceInstance['log'], 'info' | 'warn'> } = {};
  const upstreams = upstreamsOf(config, (name, origins) => {
    const balancer = createBalancer({
      name,
      origins,
      pool: poolOptions(tuning),
      healthIntervalMs: config.UPSTREAM_HEALTH_INTERVAL_MS,
      healthTimeoutMs: 1_000,
      logger: { info: (obj, msg) => late.log?.info(obj, msg), warn: (obj, msg) => late.log?.warn(obj, msg) },
    });
    balancers.push(balancer);
    return balancer;
  });
  const everyUpstream = [upstreams.auth, ...upstreams.api];
  const app = await createService({
    name: 'gateway',
    description: 'The front door: every route of every service; see /docs',
    logLevel: config.LOG_LEVEL,
    bodyLimit: config.BODY_LIMIT_BYTES,
    readiness: upstreamChecks(everyUpstream),
    // Bodies are read whole, within this bound, before a proxied request takes an upstream
    // connection: a client that stalls its body holds nothing of the upstream pool.
    clientTimeouts: { headersMs: config.REQUEST_HEADERS_TIMEOUT_MS, bodyMs: config.REQUEST_BODY_TIMEOUT_MS },
    // The gateway is public: its metrics only for whoever holds the token.
    metrics: config.METRICS_TOKEN ? { token: config.METRICS_TOKEN } : false,
  });
  late.log = app.log;
  app.addHook('onClose', async () => {
    await Promise.all(balancers.map((balancer) => balancer.close()));
  });

  // Root hooks run in this order, before the token check of the /api scope below: a preflight
  // is answered without a token, and a flood is cut off before any signature is verified.
  installSecurityHeaders(app, {
    // Served over plain HTTP in development; upgrading Swagger UI's assets to https would break /docs.
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
  });
  // Browser FHIR clients read ETag (for If-Match), Location (after create) and Last-Modified.
  await app.register(cors, { origin: corsOrigin(config.CORS_ORIGINS), exposedHeaders: ['x-request-id', 'etag', 'location', 'last-modified'] });
  if (config.RATE_LIMIT_MAX > 0) {
    await app.register(rateLimit, {
      global: false,
      max: config.RATE_LIMIT_MAX,
      timeWindow: config.RATE_LIMIT_WINDOW_MS,
      allowList: (request) => request.url.startsWith('/health') || request.url === '/metrics',
      errorResponseBuilder: (_request, context) =>
        new AppError('RATE_LIMITED', `Too many requests; retry in ${context.after}`, 'RATE_LIMITED'),
    });
    app.addHook('onRequest', app.rateLimit());
  }
  app.addHook('onRequest', (request, _reply, done) => {
    // Proxied bodies stream through unparsed, so Fastify's bodyLimit does not see them.
    if (Number(request.headers['content-length'] ?? 0) > config.BODY_LIMIT_BYTES) {
      done(new AppError('PAYLOAD_TOO_LARGE', 'Request body is too large', 'PAYLOAD_TOO_LARGE'));
      return;
    }
    done();
  });

  await registerDocs(app, everyUpstream, config.UPSTREAM_TIMEOUT_MS);
  await registerConsole(app, config.CONSOLE_DIR);

  await registerProxy(app, upstreams.auth);
  await app.register(async (api: ServiceInstance) => {
    await api.register(authenticationPlugin, {
      keys: tokenSourceFrom(config),
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      protectedPrefix: '/api',
    });
    for (const upstream of upstreams.api) {
      for (const prefix of [upstream.prefix, ...(upstream.morePrefixes ?? [])]) await registerProxy(api, { ...upstream, prefix });
    }
    // Unknown /api paths answer 404 only to callers with a valid token, like every other /api path.
    api.all('/api/*', { schema: { hide: true } }, async (request) => {
      throw new AppError('NOT_FOUND', `Route ${request.method} ${request.url} not found`, 'ROUTE_NOT_FOUND');
    });
  });
  await registerFhirGateway(app, upstreams.api, config);
  return app;
}

function corsOrigin(origins: string[]): boolean | string[] {
  if (origins.includes('*')) return true;
  return origins.length > 0 ? origins : false;
}
