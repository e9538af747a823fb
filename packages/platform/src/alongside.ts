import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Kafka } from 'kafkajs';
import { Counter } from 'prom-client';
import type { DatabaseHandle } from './db/database.js';
import { consumerJoined, startConsumer, type ConsumerOptions, type EventConsumer } from './events/consumer.js';
import { createKafkaProbe } from './events/kafka-probe.js';
import { newEventFlowStats, registerEventFlowMetrics } from './events/stats.js';
import { createForeground } from './foreground.js';
import { startOutboxRelay, type OutboxRelay } from './events/relay.js';
import { startGrpcServer, type GrpcServerHandle, type GrpcServiceRegistration } from './grpc/server.js';

/** Something started in onReady that close() stops: a worker loop, a scheduler. */
export interface Stoppable {
  stop(): Promise<unknown>;
}

/** What a service runs beside its HTTP routes; runAlongside starts and stops all of it. */
export interface AlongsideParts {
  /** Connected by main.ts (closed there too); readiness `database`. */
  database: DatabaseHandle;
  /** Made by main.ts; readiness `kafka` (through one admin client, closed with the app). */
  kafka: Kafka;
  /** A gRPC server of these services on GRPC_HOST:GRPC_PORT: started first, stopped first (callers get UNAVAILABLE, not a half-closed service). */
  grpc?: GrpcServiceRegistration[];
  /** Publishes the service's outbox to Kafka. */
  outbox?: boolean;
  /** One consumer group (KAFKA_GROUP_ID) over these topics, in the database's transactions; readiness `consumer`. */
  consumer?: Omit<ConsumerOptions, 'kafka' | 'handle' | 'logger' | 'groupId'>;
  /** Other loops, started after the rest (given the app's logger) and stopped in reverse order. */
  workers?: ((logger: FastifyBaseLogger) => Stoppable)[];
}

/** The settings runAlongside reads from the service's config: the gRPC address, the consumer's group. */
export interface AlongsideSettings {
  GRPC_HOST?: string;
  GRPC_PORT?: number;
  GRPC_MAX_CONNECTION_AGE_MS?: number;
  KAFKA_GROUP_ID?: string;
  KAFKA_FETCH_MIN_BYTES?: number;
  KAFKA_FETCH_MAX_WAIT_MS?: number;
}

/** What runAlongside started, for tests and for services that report it. */
export interface Alongside {
  /** The bound gRPC port (the ephemeral one when given 0); undefined before ready. */
  readonly grpcPort: number | undefined;
}

/**
 * Runs the parts of a service that live beside HTTP on the app's lifecycle: `ready()` starts
 * them, `close()` stops them, and /health/ready reports database, kafka and consumer. The
 * consumer joins in the background, so a broker that is down never keeps HTTP or gRPC from
 * serving. Stopping goes gRPC, consumer, workers, relay (what they wrote last is published), probe.
 */
export function runAlongside(app: FastifyInstance, config: AlongsideSettings, parts: AlongsideParts): Alongside {
  const { database, kafka } = parts;
  const grpcPort = parts.grpc && required(config.GRPC_PORT, 'GRPC_PORT', 'a gRPC server');
  const groupId = parts.consumer && required(config.KAFKA_GROUP_ID, 'KAFKA_GROUP_ID', 'a consumer');
  const probe = createKafkaProbe(kafka);
  let grpc: GrpcServerHandle | undefined;
  let relay: OutboxRelay | undefined;
  let consumer: EventConsumer | undefined;
  const workers: Stoppable[] = [];
  // Requests and gRPC calls in flight; the relay and the consumer let them go first.
  const foreground = createForeground();
  const stats = newEventFlowStats();
  if (app.metricsRegistry) registerEventFlowMetrics(app.metricsRegistry, stats);
  app.addHook('onRequest', (_request, reply, done) => {
    foreground.enter();
    // 'close' comes for every answer, sent or aborted, so the count never leaks.
    reply.raw.once('close', foreground.leave);
    done();
  });

  app.addReadinessCheck('database', () => database.ping());
  app.addReadinessCheck('kafka', () => probe.check());
  if (parts.consumer) app.addReadinessCheck('consumer', () => consumerJoined(consumer));

  app.addHook('onReady', async () => {
    if (parts.grpc && grpcPort !== undefined) {
      grpc = await startGrpcServer({
        host: config.GRPC_HOST,
        port: grpcPort,
        services: parts.grpc,
        logger: app.log,
        foreground,
        maxConnectionAgeMs: config.GRPC_MAX_CONNECTION_AGE_MS,
        onCall: grpcCallCounter(app),
      });
    }
    if (parts.outbox) relay = startOutboxRelay({ handle: database, kafka, logger: app.log, foreground, stats });
    if (parts.consumer && groupId) {
      const logger = app.log.child({ component: 'consumer' });
      const fetch = { minBytes: config.KAFKA_FETCH_MIN_BYTES, maxWaitTimeInMs: config.KAFKA_FETCH_MAX_WAIT_MS };
      consumer = startConsumer({ ...parts.consumer, groupId, kafka, handle: database, logger, foreground, stats, fetch });
    }
    for (const start of parts.workers ?? []) workers.push(start(app.log));
  });
  // Draining: GOAWAY at once, so callers send their next calls to another replica while the
  // calls in flight here finish; HTTP goes on serving until the app closes.
  app.onDrain(() => void grpc?.stop());
  app.addHook('onClose', async () => {
    await grpc?.stop();
    await consumer?.stop();
    for (const worker of workers.reverse()) await worker.stop();
    await relay?.stop();
    await probe.close();
  });
  return {
    get grpcPort() {
      return grpc?.port;
    },
  };
}

/** pms_grpc_server_calls_total{method}: how the calls spread over a service's replicas. */
function grpcCallCounter(app: FastifyInstance): ((method: string) => void) | undefined {
  const registry = app.metricsRegistry;
  if (!registry) return undefined;
  const counter = new Counter({ name: 'pms_grpc_server_calls_total', help: 'gRPC calls received, by method', labelNames: ['method'] as const, registers: [registry] });
  const children = new Map<string, ReturnType<typeof counter.labels>>();
  return (method) => {
    let child = children.get(method);
    if (!child) children.set(method, (child = counter.labels({ method })));
    child.inc();
  };
}

function required<T>(value: T | undefined, name: string, what: string): T {
  if (value === undefined || value === '') throw new Error(`runAlongside: ${what} needs ${name} in the config`);
  return value;
}
