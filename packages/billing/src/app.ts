import { billingGrpc, topics } from '@pms/contracts';
import {
  createService,
  startConsumer,
  startGrpcServer,
  startOutboxRelay,
  tokenSourceFrom,
  type createKafka,
  type DatabaseHandle,
  type EventConsumer,
  type GrpcServerHandle,
  type OutboxRelay,
  type ServiceInstance,
  consumerJoined,
  createKafkaProbe,
} from '@pms/platform';
import type { BillingConfig } from './config.js';
import type { BillingContext } from './domain/context.js';
import { billingEventHandlers } from './events/handlers.js';
import { billingService } from './grpc/billing-service.js';
import { grpcPatientDirectory, type PatientClient } from './peers/patient-directory.js';
import { registerBillingRoutes } from './routes/billing.js';

export interface AppDeps {
  config: BillingConfig;
  /** Connected, migrated (service tables and the platform's event tables). */
  database: DatabaseHandle;
  kafka: ReturnType<typeof createKafka>;
  /** patient.v1.PatientService: ownership of patient records. */
  patients: PatientClient;
}

/**
 * The billing service. `ready()` also starts its gRPC server, outbox relay and consumer;
 * `close()` stops them. The deps stay open: whoever made them closes them.
 */
export async function buildApp({ config, database, kafka, patients }: AppDeps): Promise<ServiceInstance> {
  let consumer: EventConsumer | undefined;
  let relay: OutboxRelay | undefined;
  let grpcServer: GrpcServerHandle | undefined;

  const app = await createService({
    name: 'billing',
    description: 'Billing accounts, invoices and payments',
    logLevel: config.LOG_LEVEL,
    authentication: { keys: tokenSourceFrom(config), issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE },
    // Tokens of users who logged out or were disabled stop working here within seconds.
    revocations: { kafka },
    readiness: {
      database: () => database.ping(),
      patient: () => patients.ping(),
      kafka: () => kafkaProbe.check(),
      consumer: () => consumerJoined(consumer),
    },
  });

  const kafkaProbe = createKafkaProbe(kafka);
  const ctx: BillingContext = {
    db: database.db,
    patients: grpcPatientDirectory(patients),
    pricing: { fees: config.BILLING_FEES, currency: config.BILLING_CURRENCY, dueDays: config.INVOICE_DUE_DAYS },
  };
  registerBillingRoutes(app, ctx);

  app.addHook('onReady', async () => {
    grpcServer = await startGrpcServer({
      host: config.GRPC_HOST,
      port: config.GRPC_PORT,
      services: [{ definition: billingGrpc.BillingServiceService, implementation: billingService(ctx) }],
      logger: app.log,
    });
    relay = startOutboxRelay({ handle: database, kafka, logger: app.log });
    consumer = startConsumer({
      kafka,
      groupId: config.KAFKA_GROUP_ID,
      topics: [topics.patient, topics.appointment],
      handle: database,
      handlers: billingEventHandlers(ctx, app.log),
      logger: app.log,
    });
    // Not awaited: a broker that is down delays events, it does not keep billing from serving.
  });

  app.addHook('onClose', async () => {
    await grpcServer?.stop();
    await consumer?.stop();
    await Promise.all([relay?.stop(), kafkaProbe.close()]);
  });

  return app;
}
