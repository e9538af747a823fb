import { fhirBasePath } from '@pms/platform/fhir';
import type { FastifyRequest } from 'fastify';
import { upstreamFailure } from '../routes/proxy.js';
import type { Upstream } from '../upstreams.js';

export interface FhirAnswer {
  status: number;
  body: unknown;
}

/**
 * A FHIR GET on a service on behalf of the caller: their token, the request id, and the
 * gateway's host as the base the service writes into fullUrls and links. A service that does
 * not answer in time is a 503 AppError (thrown), like the proxy's.
 */
export async function fetchFhir(upstream: Upstream, pathAndQuery: string, request: FastifyRequest, timeoutMs: number): Promise<FhirAnswer> {
  const headers: Record<string, string> = {
    accept: 'application/fhir+json',
    'x-request-id': String(request.id),
    'x-forwarded-host': request.host,
    'x-forwarded-proto': request.protocol,
    'x-forwarded-for': request.ip,
  };
  if (request.headers.authorization) headers.authorization = request.headers.authorization;
  try {
    const response = await fetch(`${upstream.balancer.pick()}${fhirBasePath}${pathAndQuery}`, { headers, signal: AbortSignal.timeout(timeoutMs) });
    return { status: response.status, body: await response.json() };
  } catch (error) {
    throw upstreamFailure(upstream.name, error);
  }
}
