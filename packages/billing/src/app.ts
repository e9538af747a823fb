import { billingGrpc, topics } from '@pms/contracts';
import { apiServiceOptions, createService, runAlongside, type DatabaseHandle, type ServiceInstance } from '@pms/platform';
import type { Kafka } from 'kafkajs';
import type { BillingConfig } from './config.js';
import type { BillingContext } from './domain/context.js';
import { billingEvents } from './events/handlers.js';
import { billingService } from './grpc/billing-service.js';
import { grpcPatientDirectory, type PatientClient } from './peers/patient-directory.js';
import { registerBillingRoutes } from './routes/billing.js';
import { registerBillingFhir } from './routes/fhir.js';

export interface AppDeps {
  config: BillingConfig;
  /** Connected, migrated (service tables and the platform's event tables). */
  database: DatabaseHandle;
  kafka: Kafka;
  /** patient.v1.PatientService: ownership of patient records. */
  patients: PatientClient;
}

/**
 * The billing service. `ready()` also starts its gRPC server, outbox relay and consumer;
 * `close()` stops them. The deps stay open: whoever made them closes them.
 */
export async function buildApp({ config, database, kafka, patients }: AppDeps): Promise<ServiceInstance> {
  const app = await createService({
    name: 'billing',
    description: 'Billing accounts, invoices and payments',
    ...apiServiceOptions(config, kafka),
    // /health/ready also reports the gRPC peer this service calls; runAlongside adds the
    // database, Kafka and the consumer.
    readiness: { patient: () => patients.ping() },
  });

  const ctx: BillingContext = {
    db: database.db,
    patients: grpcPatientDirectory(patients),
    pricing: { fees: config.BILLING_FEES, currency: config.BILLING_CURRENCY, dueDays: config.INVOICE_DUE_DAYS },
  };
  registerBillingRoutes(app, ctx);
  await registerBillingFhir(app, ctx);

  runAlongside(app, config, {
    database,
    kafka,
    grpc: [{ definition: billingGrpc.BillingServiceService, implementation: billingService(ctx) }],
    outbox: true,
    consumer: { topics: [topics.patient, topics.appointment], ...billingEvents(ctx, app.log) },
  });

  return app;
}
