import { patientGrpc, topics } from '@pms/contracts';
import { apiServiceOptions, createService, runAlongside, type Alongside, type DatabaseHandle, type ServiceInstance } from '@pms/platform';
import type { Kafka } from 'kafkajs';
import type { PatientConfig } from './config.js';
import { billingEvents } from './events/billing-events.js';
import { billingAccountsOver, type BillingClient } from './peers/billing-accounts.js';
import { patientService } from './grpc/patient-service.js';
import type { PatientContext } from './domain/context.js';
import { registerFhir } from '@pms/platform/fhir';
import { auditRoutes } from './routes/audit.js';
import { patientFhir } from './routes/fhir.js';
import { patientRoutes } from './routes/patients.js';
import { duplicateRoutes } from './routes/duplicates.js';
import type { AppointmentMerges } from './domain/merge-ports.js';
import { appointmentMergesOver } from './peers/appointment-merges.js';

export interface AppDeps {
  config: PatientConfig;
  /** Connected, migrated (with the event tables); closed by whoever opened it. */
  database: DatabaseHandle;
  /** Publishes patient-events, consumes billing-events; made by whoever calls buildApp. */
  kafka: Kafka;
  /** billing's gRPC client; closed by whoever opened it. */
  billing: BillingClient;
  /** appointment's side of a merge; the HTTP adapter over APPOINTMENT_URL unless a test brings its own. */
  appointments?: AppointmentMerges;
}

/** What runs beside the HTTP server once the app is ready: `runtime.grpcPort` is the bound gRPC port. */
export type PatientApp = ServiceInstance & { runtime: Alongside };

/**
 * The whole patient service: HTTP routes, the gRPC PatientService, the outbox relay that
 * publishes patient-events and the billing-events consumer. `ready()` starts all of it,
 * `close()` stops all of it.
 */
export async function buildApp(deps: AppDeps): Promise<PatientApp> {
  const { config, database, kafka } = deps;
  const app = await createService({
    name: 'patient',
    description: 'Patient records: registration, search, ownership by patient users, audit log.',
    ...apiServiceOptions(config, kafka),
    // /health/ready also reports the gRPC peers this service calls (DESIGN.md §2); runAlongside
    // adds the database, Kafka and the consumer.
    readiness: { billing: () => deps.billing.ping() },
  });

  const billing = billingAccountsOver(deps.billing, config.BILLING_DEADLINE_MS);
  const appointments = deps.appointments ?? appointmentMergesOver(config.APPOINTMENT_URL, config.APPOINTMENT_DEADLINE_MS);
  const ctx: PatientContext = { db: database.db, billing, appointments, log: app.log };
  patientRoutes(app, ctx);
  duplicateRoutes(app, ctx);
  auditRoutes(app, ctx);
  await registerFhir(app, { name: 'patient', version: '0.1.0' }, [patientFhir(ctx)]);

  const runtime = runAlongside(app, config, {
    database,
    kafka,
    grpc: [{ definition: patientGrpc.PatientServiceService, implementation: patientService(database.db) }],
    outbox: true,
    consumer: { topics: [topics.billing], ...billingEvents },
  });
  app.decorate('runtime', runtime);
  return app as PatientApp;
}
