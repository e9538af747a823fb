import fastifySwagger from '@fastify/swagger';
import { ErrorResponse } from '@pms/contracts/http';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type RawServerDefault,
  type RouteOptions,
} from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Kafka } from 'kafkajs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { RevocationList } from '../auth/revocations.js';
import { tokenSourceFrom } from '../config.js';
import { fhirBasePath } from '../fhir/format.js';
import { OperationOutcomeBody } from '../fhir/schemas.js';
import { authenticationPlugin, type AuthenticationOptions } from './authentication.js';
import { clientTimeoutServerOptions, defaultClientTimeouts, installBodyDeadline, type ClientTimeouts } from './client-timeouts.js';
import { frameworkErrors, installErrorHandler } from './error-handler.js';
import { installHealth, type ReadinessCheck } from './health.js';
import { installMetrics } from './metrics.js';
import { installOverloadGuard } from './overload.js';
import { traceFields } from '../tracing/spans.js';

export type ServiceInstance = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export interface ServiceOptions {
  /** Appears in every log line and metric. */
  name: string;
  version?: string;
  description?: string;
  /** A pino logger level, or a ready logger (tests pass `false` or 'silent'). */
  logLevel?: string;
  /** Verify access tokens on the protected prefix; omit for services without /api routes. */
  authentication?: AuthenticationOptions;
  /** Refuse the tokens auth revoked (logout, disabled, deleted): see RevocationOptions. */
  revocations?: RevocationOptions;
  readiness?: Record<string, ReadinessCheck>;
  /** Bytes; bigger bodies get 413. */
  bodyLimit?: number;
  /** Behind the gateway, trust its X-Forwarded-For for rate limits and logs: true, or the proxies' addresses/CIDRs. */
  trustProxy?: boolean | string[];
  /** Load shedding: past this event-loop delay, requests get a quick 503. Default 1000 ms; 0 turns it off. */
  maxEventLoopDelayMs?: number;
  /** How long a client may take to send its headers and its body (default 10 s each); then 408. */
  clientTimeouts?: Partial<ClientTimeouts>;
  /** `/metrics`: open (default), behind `Authorization: Bearer <token>`, or not served (`false`). */
  metrics?: { token?: string } | false;
}

/**
 * The service reads auth-revocations (from onReady until close) into the token check's
 * revocation list, and readiness reports `revocations` until the feed has caught up.
 */
export interface RevocationOptions {
  /** The client to read with (main.ts makes it, with createServiceKafka). */
  kafka: Kafka;
  /** The list the feed fills, for a service that registers its token check itself (auth); default a new one. */
  list?: RevocationList;
}

/** What apiServiceOptions reads from a service's config (envFragments.base and .tokens, parsed). */
export interface ApiServiceSettings {
  LOG_LEVEL: string;
  AUTH_JWKS_URL?: string;
  AUTH_JWKS?: string;
  JWT_ISSUER: string;
  JWT_AUDIENCE: string;
}

/**
 * The options of a service with /api routes, from its config: its log level and token checks
 * that also refuse the tokens of users who logged out or were disabled (within seconds).
 */
export function apiServiceOptions(config: ApiServiceSettings, kafka: Kafka): Pick<ServiceOptions, 'logLevel' | 'authentication' | 'revocations'> {
  return {
    logLevel: config.LOG_LEVEL,
    authentication: {
      keys: tokenSourceFrom(config),
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      // FHIR interactions need the same token as /api; the CapabilityStatement is public (the gateway assembles its own from it).
      protectedPrefix: ['/api', `${fhirBasePath}/`],
      publicPaths: [`${fhirBasePath}/metadata`],
    },
    revocations: { kafka },
  };
}

const requestIdPattern = /^[\w.:-]{1,128}$/;

/**
 * Every documented route answers its errors in the one error shape (the error handler builds
 * them all), so each gets it here for every 4xx and 5xx instead of listing codes by hand. Hidden
 * routes are left alone: /health/ready answers 503 with its own body.
 */
function documentErrorResponses(route: RouteOptions) {
  const schema = route.schema;
  if (!schema || schema.hide) return;
  const errorBody = route.url.startsWith('/fhir/') ? OperationOutcomeBody : ErrorResponse;
  schema.response = { '4xx': errorBody, '5xx': errorBody, ...(schema.response as object | undefined) };
}

/**
 * The Fastify service factory every service starts from: JSON logs with the service name
 * and request id, the one error shape, health, metrics, OpenAPI from the zod route schemas
 * and access-token verification (refusing the tokens auth revoked). Routes are registered on the
 * returned instance.
 */
export async function createService(options: ServiceOptions): Promise<ServiceInstance> {
  // Loaded only where revocations are followed: the gateway does not follow them, and so keeps
  // kafkajs and the event catalog out of its memory.
  const revocationFeed = options.revocations && (await import('../events/revocation-feed.js')).createRevocationFeed(options.revocations.list);
  const clientTimeouts = { ...defaultClientTimeouts, ...options.clientTimeouts };
  const bodyLimit = options.bodyLimit ?? 1_048_576;
  const app = Fastify({
    ...clientTimeoutServerOptions(clientTimeouts),
    logger: { level: options.logLevel ?? 'info', base: { service: options.name }, mixin: traceFields },
    requestIdHeader: false,
    logController: new LogController({
      requestIdLogLabel: 'requestId',
      // Probes hit these every few seconds; their logs would drown the real traffic.
      disableRequestLogging: (request) => request.url.startsWith('/health') || request.url === '/metrics',
    }),
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && requestIdPattern.test(given) ? given : randomUUID();
    },
    bodyLimit,
    trustProxy: options.trustProxy ?? false,
    frameworkErrors,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onRoute', documentErrorResponses);
  // Hooks on every request take the callback form: an async hook costs a promise and a microtask each time.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  // Answers carry patient data and tokens: no browser or shared cache may keep them, unless a
  // route says otherwise (the JWKS, static assets).
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    done(null, payload);
  });
  installErrorHandler(app);
  installOverloadGuard(app, { maxEventLoopDelayMs: options.maxEventLoopDelayMs ?? 1_000 });
  installBodyDeadline(app, clientTimeouts, bodyLimit);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: options.name, version: options.version ?? '0.1.0', description: options.description },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: options.authentication ? [{ bearerAuth: [] }] : [],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const revocationCheck: Record<string, ReadinessCheck> = revocationFeed ? { revocations: () => revocationFeed.caughtUp() } : {};
  installHealth(app, { ...revocationCheck, ...options.readiness });
  if (options.metrics !== false) installMetrics(app, options.name, options.metrics?.token);
  if (options.authentication) {
    await app.register(authenticationPlugin, { revocations: revocationFeed?.list, ...options.authentication });
  }
  if (revocationFeed && options.revocations) {
    const { kafka } = options.revocations;
    app.addHook('onReady', async () => {
      revocationFeed.start({ kafka, service: options.name, logger: app.log });
    });
    app.addHook('onClose', () => revocationFeed.stop());
  }
  return app as unknown as ServiceInstance;
}
