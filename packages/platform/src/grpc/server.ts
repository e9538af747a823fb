import {
  Server,
  ServerCredentials,
  type ChannelOptions,
  type handleUnaryCall,
  type Metadata,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { randomUUID } from 'node:crypto';
import type { Foreground } from '../foreground.js';
import { normalizeError, toGrpcStatus } from './status.js';

/** What the gRPC helpers log through; a pino or Fastify logger fits. */
export interface GrpcLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const requestIdKey = 'x-request-id';

export interface GrpcServiceRegistration {
  /** A generated definition, e.g. `doctorGrpc.DoctorServiceService`. */
  definition: ServiceDefinition;
  /** Type it as the generated server interface (`doctorGrpc.DoctorServiceServer`), built with `unary()`. */
  implementation: UntypedServiceImplementation;
}

export interface GrpcServerOptions {
  /** Default 0.0.0.0. */
  host?: string;
  /** 0 binds an ephemeral port; the handle reports the actual one. */
  port: number;
  services: GrpcServiceRegistration[];
  logger: GrpcLogger;
  /** How long stop() lets in-flight calls finish before cutting them. Default 5000 ms. */
  shutdownTimeoutMs?: number;
  options?: ChannelOptions;
  /** Counts calls in flight as the process's request path. */
  foreground?: Foreground;
  /**
   * Connections older than this get GOAWAY (calls on them finish, up to shutdownTimeoutMs more),
   * so round_robin clients resolve their target again and spread to replicas started since. 0: never.
   */
  maxConnectionAgeMs?: number;
  /** Told of every call as it arrives (the method's name, e.g. getPatient): a per-replica count on /metrics. */
  onCall?: (method: string) => void;
}

export interface GrpcServerHandle {
  port: number;
  server: Server;
  /** Fully qualified names, e.g. doctor.v1.DoctorService: what the health service reports. */
  serviceNames: string[];
  /** Flips what grpc.health.v1.Health reports; '' is the whole server. */
  setServing(service: string, serving: boolean): void;
  /** Reports NOT_SERVING, drains in-flight calls, then forces the rest closed. Idempotent. */
  stop(): Promise<void>;
}

/** Binds, registers every service plus grpc.health.v1.Health (all SERVING), and returns a handle. */
export async function startGrpcServer(options: GrpcServerOptions): Promise<GrpcServerHandle> {
  const { logger, host = '0.0.0.0', shutdownTimeoutMs = 5_000 } = options;
  // Server pings find clients that vanished without closing; grpc-js servers accept client pings.
  const maxAge = options.maxConnectionAgeMs
    ? { 'grpc.max_connection_age_ms': options.maxConnectionAgeMs, 'grpc.max_connection_age_grace_ms': shutdownTimeoutMs }
    : {};
  const server = new Server({ 'grpc.keepalive_time_ms': 60_000, 'grpc.keepalive_timeout_ms': 20_000, ...maxAge, ...options.options });
  const serviceNames = options.services.map((service) => serviceNameOf(service.definition));
  const health = new HealthImplementation(Object.fromEntries(['', ...serviceNames].map((name) => [name, 'SERVING'])));
  for (const { definition, implementation } of options.services) {
    server.addService(definition, withLogger(definition, implementation, logger, options.foreground, options.onCall));
  }
  health.addToServer(server);

  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${options.port}`, ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  logger.info({ port, services: serviceNames }, 'gRPC server listening');

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= new Promise<void>((resolve) => {
      for (const name of ['', ...serviceNames]) health.setStatus(name, 'NOT_SERVING');
      const timer = setTimeout(() => {
        logger.warn({ shutdownTimeoutMs }, 'gRPC calls still running at shutdown; cancelling them');
        server.forceShutdown();
        resolve();
      }, shutdownTimeoutMs);
      server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    }));

  return {
    port,
    server,
    serviceNames,
    setServing: (service, serving) => health.setStatus(service, serving ? 'SERVING' : 'NOT_SERVING'),
    stop,
  };
}

/** ts-proto definitions carry paths like /doctor.v1.DoctorService/GetDoctor. */
function serviceNameOf(definition: ServiceDefinition): string {
  const [method] = Object.values(definition);
  const name = method?.path.split('/')[1];
  if (!name) throw new Error('gRPC service definition has no methods');
  return name;
}

/** Per-call context handed to a `unary()` handler. */
export interface GrpcCallContext {
  /** The caller's x-request-id, or a fresh one: use it in logs and pass it on. */
  requestId: string;
  metadata: Metadata;
  /** The caller's deadline (Infinity when none): pass what is left to further calls. */
  deadline: Date | number;
  /** Aborted when the caller cancels or its deadline passes. */
  signal: AbortSignal;
  /** e.g. /doctor.v1.DoctorService/GetDoctor */
  method: string;
  /** The server's logger. */
  logger: GrpcLogger;
}

export type UnaryHandler<Req, Res> = (request: Req, context: GrpcCallContext) => Promise<Res>;

const fallbackLogger: GrpcLogger = {
  info: () => {},
  warn: (obj, msg) => console.warn(msg, obj),
  error: (obj, msg) => console.error(msg, obj),
};

/**
 * unary() is created where no logger is at hand (the service's grpc module), so the server
 * hands its logger to every call as an argument after grpc-js' own; unary() puts it in the context.
 * With a foreground, each unary call counts as in flight until its callback answers.
 */
function withLogger(
  definition: ServiceDefinition,
  implementation: UntypedServiceImplementation,
  logger: GrpcLogger,
  foreground?: Foreground,
  onCall?: (method: string) => void,
): UntypedServiceImplementation {
  const wrapped: UntypedServiceImplementation = {};
  for (const [name, method] of Object.entries(definition)) {
    const handler = implementation[name] as ((...args: unknown[]) => void) | undefined;
    if (!handler) continue; // grpc-js answers UNIMPLEMENTED
    const unaryCall = !method.requestStream && !method.responseStream;
    wrapped[name] = ((call: unknown, callback: (...answer: unknown[]) => void) => {
      onCall?.(name);
      if (!foreground || !unaryCall) return handler.call(implementation, call, callback, logger);
      foreground.enter();
      handler.call(implementation, call, (...answer: unknown[]) => {
        foreground.leave();
        callback(...answer);
      }, logger);
    }) as UntypedServiceImplementation[string];
  }
  return wrapped;
}

/**
 * Turns an async `(request, context) => response` into a grpc-js unary handler: reads the
 * request id, and maps any throw through status.ts (logging only the unexpected ones).
 */
export function unary<Req, Res>(handler: UnaryHandler<Req, Res>): handleUnaryCall<Req, Res> {
  // The third argument comes from startGrpcServer (withLogger); grpc-js itself passes two.
  return (call, callback, logger: GrpcLogger = fallbackLogger) => {
    const controller = new AbortController();
    call.once('cancelled', () => controller.abort());
    const context: GrpcCallContext = {
      requestId: requestIdFrom(call.metadata),
      metadata: call.metadata,
      deadline: call.getDeadline(),
      signal: controller.signal,
      method: call.getPath(),
      logger,
    };
    Promise.resolve()
      .then(() => handler(call.request, context))
      .then(
        (response) => callback(null, response),
        (error: unknown) => {
          const appError = normalizeError(error);
          const fields = { err: error, requestId: context.requestId, method: context.method };
          if (appError.kind === 'INTERNAL') logger.error(fields, 'gRPC handler failed');
          else if (appError.kind === 'UNAVAILABLE') logger.warn(fields, appError.message);
          callback(toGrpcStatus(appError));
        },
      );
  };
}

function requestIdFrom(metadata: Metadata): string {
  const [value] = metadata.get(requestIdKey);
  return typeof value === 'string' && /^[ -~]{1,128}$/.test(value) ? value : randomUUID();
}
