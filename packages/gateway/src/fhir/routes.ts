import { authenticationPlugin, tokenSourceFrom, unavailable, type ServiceInstance } from '@pms/platform/http';
import { notFound } from '@pms/platform/errors';
import { checkFormat, fhirBasePath, fhirBaseOf, fhirContentTypeHeader, fhirId, parseSearch, prefersLenient, resourceBody, type ResourceLike } from '@pms/platform/fhir';
import { z } from 'zod';
import type { GatewayConfig } from '../config.js';
import { registerProxy } from '../routes/proxy.js';
import type { Upstream } from '../upstreams.js';
import { capabilityCache } from './capability.js';
import { everythingParams, patientEverything } from './everything.js';
import { fhirRouting, type FhirType } from './owners.js';

const tags = ['fhir'];

/**
 * `/fhir/R4` (issue 21): each resource type proxied to the service that owns it, path unchanged,
 * with the same token check as /api; `metadata` (public) assembled from the services' own
 * statements; `Patient/<id>/$everything` composed here from the services' searches. Errors,
 * the gateway's own and the services', are OperationOutcomes (platform's error handler).
 */
export async function registerFhirGateway(app: ServiceInstance, upstreams: Upstream[], config: GatewayConfig): Promise<void> {
  const routing = fhirRouting(upstreams);
  const capabilities = capabilityCache(routing, { timeoutMs: config.UPSTREAM_TIMEOUT_MS });
  const negotiate = (request: { headers: { accept?: string }; query: unknown }) => checkFormat(request.headers.accept, (request.query as Record<string, unknown>)._format);

  app.get(
    `${fhirBasePath}/metadata`,
    { schema: { tags, summary: 'The CapabilityStatement of the whole system (public): what every service serves', response: { 200: resourceBody('CapabilityStatement') } } },
    async (request, reply) => {
      negotiate(request);
      const statement = await capabilities.statement(fhirBaseOf(request));
      if (!statement) throw unavailable('No FHIR service is answering', 'UPSTREAM_UNAVAILABLE');
      return reply.type(fhirContentTypeHeader).header('cache-control', 'public, max-age=30').send(statement);
    },
  );

  await app.register(async (fhir: ServiceInstance) => {
    await fhir.register(authenticationPlugin, {
      keys: tokenSourceFrom(config),
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      protectedPrefix: `${fhirBasePath}/`,
    });
    for (const [type, upstream] of routing) await registerProxy(fhir, { ...upstream, prefix: `${fhirBasePath}/${type}` });

    fhir.get(
      `${fhirBasePath}/Patient/:id/$everything`,
      {
        schema: {
          tags,
          summary: "Everything about a patient: the Patient, their appointments, invoices and communications (a patient user: their own record only)",
          params: z.object({ id: z.string().regex(fhirId, 'must be a FHIR id') }),
          response: { 200: resourceBody('Bundle') },
        },
      },
      async (request, reply) => {
        negotiate(request);
        parseSearch(request.query as Record<string, unknown>, everythingParams, { lenient: prefersLenient(request.headers.prefer) });
        const answer = await patientEverything(request, request.params.id, { routing, timeoutMs: config.UPSTREAM_TIMEOUT_MS, baseUrl: fhirBaseOf(request) });
        // Typed as the success: a refusal of the Patient read is relayed as the service sent it (an OperationOutcome).
        return reply.code(answer.status as 200).type(fhirContentTypeHeader).send(answer.body as ResourceLike);
      },
    );
    // Unknown types answer 404 only to callers with a valid token, like unknown /api paths.
    fhir.all(`${fhirBasePath}/*`, { schema: { hide: true } }, async (request) => {
      const type = request.url.slice(fhirBasePath.length + 1).split(/[/?]/)[0] ?? '';
      const served = [...routing.keys()].join(', ');
      throw notFound(routing.has(type as FhirType) ? `Route ${request.method} ${request.url} not found` : `Resource type ${type} is not served here (served: ${served})`, 'RESOURCE_TYPE_NOT_SUPPORTED');
    });
  });
}
