import swaggerUi from '@fastify/swagger-ui';
import type { ServiceInstance } from '@pms/platform/http';
import { notFound, unavailable } from '@pms/platform/errors';
import { z } from 'zod';
import type { Upstream } from '../upstreams.js';

/**
 * One Swagger UI over every service: `/docs/openapi/<service>.json` fetches that service's own
 * `/openapi.json` on each request (always current), and the UI lists them all.
 */
export async function registerDocs(app: ServiceInstance, upstreams: Upstream[], timeoutMs: number): Promise<void> {
  // The gateway's own routes (FHIR metadata and $everything): those with tags; the proxies have none.
  app.get('/docs/openapi/gateway.json', { schema: { hide: true } }, async () => ownRoutesOf(app.swagger() as OpenApiDocument));
  app.get(
    '/docs/openapi/:service.json',
    { schema: { hide: true, params: z.object({ service: z.string() }) } },
    async (request) => {
      const upstream = upstreams.find((candidate) => candidate.name === request.params.service);
      if (!upstream) throw notFound(`No service named ${request.params.service}`);
      let response: Response;
      try {
        response = await fetch(`${upstream.balancer.pick()}/openapi.json`, { signal: AbortSignal.timeout(timeoutMs) });
      } catch (error) {
        throw unavailable(`The ${upstream.name} service is unavailable`, 'UPSTREAM_UNAVAILABLE', error);
      }
      if (!response.ok) throw unavailable(`The ${upstream.name} service answered ${response.status} for its OpenAPI document`, 'UPSTREAM_UNAVAILABLE');
      return (await response.json()) as unknown;
    },
  );

  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: {
      urls: [...upstreams.map((upstream) => ({ name: upstream.name, url: `/docs/openapi/${upstream.name}.json` })), { name: 'gateway', url: '/docs/openapi/gateway.json' }],
      persistAuthorization: true,
    },
  });
}

interface OpenApiDocument {
  paths?: Record<string, Record<string, { tags?: string[] } | unknown>>;
}

function ownRoutesOf(document: OpenApiDocument): OpenApiDocument {
  const paths = Object.entries(document.paths ?? {}).flatMap(([path, operations]) => {
    const tagged = Object.entries(operations).filter(([, operation]) => ((operation as { tags?: string[] }).tags?.length ?? 0) > 0);
    return tagged.length > 0 ? [[path, Object.fromEntries(tagged)] as const] : [];
  });
  return { ...document, paths: Object.fromEntries(paths) };
}
