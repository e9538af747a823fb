import proxy from '@fastify/http-proxy';
import type { Pool } from 'undici';
import type { ServiceInstance } from '@pms/platform/http';
import { unavailable, type AppError } from '@pms/platform/errors';
import type { Upstream } from '../upstreams.js';

export interface ProxyTuning {
  timeoutMs: number;
  connectTimeoutMs: number;
  connections: number;
}

/** The keep-alive undici pool of each replica of an upstream. */
export function poolOptions(tuning: ProxyTuning): Pool.Options {
  return {
    connections: tuning.connections,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    headersTimeout: tuning.timeoutMs,
    bodyTimeout: tuning.timeoutMs,
    // reply-from defaults to not checking upstream TLS certificates; these options win over it.
    connect: { timeout: tuning.connectTimeoutMs, rejectUnauthorized: true },
  };
}

/**
 * Forwards every method under the upstream's prefix, path unchanged, through the upstream's
 * balancer (keep-alive pools, one per replica). Authorization goes through as is; the request
 * id and the caller's address are set here.
 */
export async function registerProxy(scope: ServiceInstance, upstream: Upstream): Promise<void> {
  await scope.register(proxy, {
    // Only the path is taken from here; the balancer picks the replica.
    upstream: upstream.balancer.origins[0]!,
    prefix: upstream.prefix,
    rewritePrefix: upstream.prefix,
    // Hot path: no per-request "fetching from remote server" log lines.
    disableRequestLogging: true,
    undici: upstream.balancer as unknown as Pool,
    replyOptions: {
      // reply-from hands over its own copy of the client's headers: set in place, not copied again.
      rewriteRequestHeaders: (request, headers) => {
        headers['x-request-id'] = String(request.id);
        // Overwritten, not appended: clients must not choose the address auth rate-limits on.
        headers['x-forwarded-for'] = request.ip;
        // Where the client reached us: FHIR answers build their fullUrls and links from it.
        headers['x-forwarded-host'] = request.host;
        headers['x-forwarded-proto'] = request.protocol;
        // The caller's trace context reached the gateway's span; the upstream's parent is the
        // proxy's own span, whose traceparent undici's instrumentation adds (beside a copied one
        // the header would hold two, and the upstream would start a trace of its own).
        delete headers.traceparent;
        delete headers.tracestate;
        return headers;
      },
      onError: (reply, { error }) => reply.send(upstreamFailure(upstream.name, error)),
      // reply-from retries a GET that got 503 up to ten times; a dependency that is down
      // must answer fast instead.
      retryDelay: () => null,
    },
  });
}

const timeoutCodes = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'FST_REPLY_FROM_GATEWAY_TIMEOUT']);

/** Any failure to get an answer from the upstream is a 503 in the error shape, never a 500. */
export function upstreamFailure(name: string, error: unknown): AppError {
  for (let current = error; current && typeof current === 'object'; current = (current as { cause?: unknown }).cause) {
    if (timeoutCodes.has((current as { code?: string }).code ?? '')) {
      return unavailable(`The ${name} service did not answer in time`, 'UPSTREAM_TIMEOUT', error);
    }
  }
  return unavailable(`The ${name} service is unavailable`, 'UPSTREAM_UNAVAILABLE', error);
}
