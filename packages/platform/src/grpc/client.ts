import {
  credentials as grpcCredentials,
  Metadata,
  type ChannelCredentials,
  type ChannelOptions,
  type Client,
  type ClientOptions,
} from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import { randomUUID } from 'node:crypto';
import { AppError, unavailable } from '../errors.js';
import { requestIdKey } from './server.js';
import { fromGrpcError, type GrpcErrorContext } from './status.js';

/** A ts-proto client constructor, e.g. `doctorGrpc.DoctorServiceClient`; D is its service definition. */
export interface GrpcClientCtor<D> {
  new (address: string, credentials: ChannelCredentials, options?: Partial<ClientOptions>): Client;
  service: D;
  serviceName: string;
}

interface UnaryMethodDefinition {
  path: string;
  requestStream: false;
  responseStream: false;
}
/** The unary method names of a definition: 'getDoctor' | 'checkAvailability'. */
export type UnaryMethodName<D> = {
  [K in keyof D]: D[K] extends UnaryMethodDefinition ? K : never;
}[keyof D] &
  string;
export type RequestOf<D, M extends keyof D> = D[M] extends { requestSerialize: (value: infer Req) => unknown } ? Req : never;
export type ResponseOf<D, M extends keyof D> = D[M] extends { responseDeserialize: (bytes: Buffer) => infer Res } ? Res : never;

export interface GrpcClientOptions {
  /** Names the peer in errors and logs ("doctor is unavailable"). Default: the service name. */
  peerName?: string;
  /** Per-call deadline unless a call says otherwise. Default 2000 ms. */
  deadlineMs?: number;
  /** Default insecure (inside the private network). */
  credentials?: ChannelCredentials;
  channelOptions?: ChannelOptions;
  /**
   * Every method of the service is safe to send twice (reads, or writes idempotent by key):
   * a call that fails UNAVAILABLE (a replica that is draining or gone) is retried on another.
   * Default true; a service with a method that is not idempotent says false.
   */
  idempotent?: boolean;
}

export interface GrpcCallOptions {
  /** The caller's request id, sent as x-request-id. */
  requestId: string;
  deadlineMs?: number;
  notFoundAs?: GrpcErrorContext['notFoundAs'];
}

export interface GrpcClient<D> {
  readonly peerName: string;
  /** The generated client, for anything call() does not cover. */
  readonly raw: Client;
  /** One unary call; resolves with the response or rejects with an AppError (see status.ts). */
  call<M extends UnaryMethodName<D>>(method: M, request: RequestOf<D, M>, options: GrpcCallOptions): Promise<ResponseOf<D, M>>;
  /** A readiness check: resolves if the peer's health service says SERVING, else throws a 503 AppError. */
  ping(options?: { deadlineMs?: number; service?: string }): Promise<void>;
  close(): void;
}

/**
 * Keepalive finds dead connections between calls, so the next call reconnects instead of
 * hanging; short reconnect backoff picks a restarted peer up within about 2 s. Calls do not
 * wait for ready (grpc-js default): a peer that is down fails at once with UNAVAILABLE.
 */
export const defaultChannelOptions: ChannelOptions = {
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 5_000,
  'grpc.keepalive_permit_without_calls': 1,
  'grpc.initial_reconnect_backoff_ms': 250,
  'grpc.max_reconnect_backoff_ms': 2_000,
};

/**
 * The channel's service config. round_robin keeps a connection to every address the target
 * resolves to (`dns:///patient-grpc:9080` → every pod, `ipv4:127.0.0.1:9080,127.0.0.1:9090`)
 * and spreads calls over them; grpc-js' default, pick_first, sends everything to one. The
 * servers' maximum connection age makes clients resolve again, so new replicas get calls too.
 */
export function serviceConfig(serviceName: string, idempotent: boolean): string {
  const retryPolicy = {
    maxAttempts: 3,
    initialBackoff: '0.02s',
    maxBackoff: '0.2s',
    backoffMultiplier: 2,
    retryableStatusCodes: ['UNAVAILABLE'],
  };
  return JSON.stringify({
    loadBalancingConfig: [{ round_robin: {} }],
    methodConfig: idempotent ? [{ name: [{ service: serviceName }], retryPolicy }] : [],
  });
}

type Serialize = (value: unknown) => Buffer;
type Deserialize = (bytes: Buffer) => unknown;
interface MethodCodec {
  path: string;
  requestSerialize: Serialize;
  responseDeserialize: Deserialize;
}

/** `createGrpcClient(doctorGrpc.DoctorServiceClient, 'localhost:9083', { peerName: 'doctor' })` */
export function createGrpcClient<D>(Ctor: GrpcClientCtor<D>, address: string, options: GrpcClientOptions = {}): GrpcClient<D> {
  const peerName = options.peerName ?? Ctor.serviceName;
  const defaultDeadlineMs = options.deadlineMs ?? 2_000;
  const raw = new Ctor(address, options.credentials ?? grpcCredentials.createInsecure(), {
    ...defaultChannelOptions,
    'grpc.service_config': serviceConfig(Ctor.serviceName, options.idempotent ?? true),
    ...options.channelOptions,
  });
  // Connect now, not at the first call: a first booking after start-up would otherwise pay the
  // TCP and HTTP/2 handshakes (measured: ~50 ms on a loaded machine, bench/timeline.ts).
  raw.getChannel().getConnectivityState(true);

  const unaryCall = (codec: MethodCodec, request: unknown, requestId: string, deadlineMs: number, notFoundAs?: GrpcCallOptions['notFoundAs']) =>
    new Promise<unknown>((resolve, reject) => {
      const metadata = new Metadata();
      metadata.set(requestIdKey, /^[ -~]{1,128}$/.test(requestId) ? requestId : randomUUID());
      raw.makeUnaryRequest(
        codec.path,
        codec.requestSerialize,
        codec.responseDeserialize,
        request,
        metadata,
        { deadline: Date.now() + deadlineMs },
        (error, response) =>
          error ? reject(fromGrpcError(error, { peer: peerName, method: codec.path, deadlineMs, notFoundAs })) : resolve(response),
      );
    });

  return {
    peerName,
    raw,
    async call(method, request, callOptions) {
      const codec = (Ctor.service as Record<string, MethodCodec>)[method];
      if (!codec) throw new AppError('INTERNAL', `${peerName} has no method ${method}`, 'DEPENDENCY_FAILED');
      const deadlineMs = callOptions.deadlineMs ?? defaultDeadlineMs;
      return (await unaryCall(codec, request, callOptions.requestId, deadlineMs, callOptions.notFoundAs)) as ResponseOf<D, typeof method>;
    },
    async ping({ deadlineMs = 1_000, service = Ctor.serviceName } = {}) {
      let response: unknown;
      try {
        // Same channel as the calls, so a SERVING answer proves the path the calls take.
        response = await unaryCall(healthService.Check as unknown as MethodCodec, { service }, randomUUID(), deadlineMs);
      } catch (error) {
        // The health service answers NOT_FOUND for a service it does not serve: still "not ready".
        throw error instanceof AppError && error.kind !== 'UNAVAILABLE'
          ? unavailable(`${peerName} is not ready (${error.message})`, 'DEPENDENCY_UNAVAILABLE', error)
          : error;
      }
      const status = (response as { status?: unknown }).status;
      if (status !== 'SERVING') throw unavailable(`${peerName} is not serving (${String(status)})`);
    },
    close: () => raw.close(),
  };
}
