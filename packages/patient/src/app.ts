import { patientGrpc, topics } from '@pms/contracts';
import {
  consumerJoined,
  createKafka,
  createKafkaProbe,
  createService,
  startConsumer,
  startGrpcServer,
  startOutboxRelay,
  tokenSourceFrom,
  type DatabaseHandle,
  type EventConsumer,
  type GrpcServerHandle,
  type OutboxRelay,
  type ServiceInstance,
} from '@pms/platform';
import type { PatientConfig } from './config.js';
import { billingEventHandlers } from './events/billing-events.js';
import { billingAccountsOver, type BillingClient } from './peers/billing-accounts.js';
import { patientService } from './grpc/patient-service.js';
import { auditRoutes } from './routes/audit.js';
import { patientRoutes } from './routes/patients.js';

export interface AppDeps {
  config: PatientConfig;
  /** Connected, migrated (with the event tables); closed by whoever opened it. */
  database: DatabaseHandle;
  /** billing's gRPC client; closed by whoever opened it. */
  billing: BillingClient;
}

/** What runs beside the HTTP server once the app is ready. */
export interface PatientRuntime {
  /** The bound gRPC port (GRPC_PORT, or the ephemeral one when it is 0); undefined before ready. */
  readonly grpcPort: number | undefined;
}

export type PatientApp = ServiceInstance & { runtime: PatientRuntime };

/**
 * The whole patient service: HTTP routes, the gRPC PatientService, the outbox relay that
 * publishes patient-events and the billing-events consumer. `ready()` starts all of it,
 * `close()` stops all of it.
 */
export async function buildApp(deps: AppDeps): Promise<PatientApp> {
  const { config, database } = deps;
  const app = await createService({
    name: 'patient',
    description: 'Patient records: registration, search, ownership by patient users, audit log.',
    logLevel: config.LOG_LEVEL,
    authentication: { keys: tokenSourceFrom(config), issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE },
    // Tokens of users who logged out or were disabled stop working here within seconds.
    revocations: { kafka: () => kafka },
    // What /health/ready reports (DESIGN.md §2): the database, Kafka and the gRPC peers this
    // service calls. Liveness (/health/live) stays independent of them.
    readiness: {
      database: database.ping,
      kafka: () => kafkaProbe.check(),
      billing: () => deps.billing.ping(),
      consumer: () => consumerJoined(consumer),
    },
  });

  const billing = billingAccountsOver(deps.billing, config.BILLING_DEADLINE_MS);
  patientRoutes(app, { db: database.db, billing, log: app.log });
  auditRoutes(app, database.db);

  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID ?? 'patient', logger: app.log });
  const kafkaProbe = createKafkaProbe(kafka);
  let grpcServer: GrpcServerHandle | undefined;
  let relay: OutboxRelay | undefined;
  let consumer: EventConsumer | undefined;

  app.addHook('onReady', async () => {
    grpcServer = await startGrpcServer({
      host: config.GRPC_HOST,
      port: config.GRPC_PORT,
      logger: app.log,
      services: [{ definition: patientGrpc.PatientServiceService, implementation: patientService(database.db) }],
    });
    relay = startOutboxRelay({ handle: database, kafka, logger: app.log });
    consumer = startConsumer({
      kafka,
      groupId: config.KAFKA_GROUP_ID,
      topics: [topics.billing],
      handle: database,
      handlers: billingEventHandlers,
      logger: app.log,
    });
  });

  app.addHook('onClose', async () => {
    // gRPC first: callers get UNAVAILABLE (and retry elsewhere) instead of a half-closed service.
    await grpcServer?.stop();
    await Promise.all([relay?.stop(), consumer?.stop(), kafkaProbe.close()]);
  });

  const runtime: PatientRuntime = {
    get grpcPort() {
      return grpcServer?.port;
    },
  };
  app.decorate('runtime', runtime);
  return app as PatientApp;
}
