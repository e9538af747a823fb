import { topics } from '@pms/contracts';
import { apiServiceOptions, createService, runAlongside, type DatabaseHandle, type ServiceInstance } from '@pms/platform';
import type { Kafka } from 'kafkajs';
import type { AppointmentConfig } from './config.js';
import type { AppointmentsContext } from './domain/context.js';
import { grpcPeers, type DoctorClient, type PatientClient } from './peers/grpc-peers.js';
import { waitlistHandlers } from './events/handlers.js';
import { appointmentRoutes } from './routes/appointments.js';
import { registerAppointmentFhir } from './routes/fhir.js';
import { schedulingRoutes } from './routes/scheduling.js';
import { waitlistRoutes } from './routes/waitlist.js';
import { patientMergeRoutes } from './routes/patient-merges.js';
import { startOfferExpiry } from './workers/offer-expiry.js';

export interface AppDeps {
  config: AppointmentConfig;
  /** Connected and migrated (connectDatabase with eventTables); closed by whoever opened it. */
  database: DatabaseHandle;
  /** Publishes appointment-events and reads them back for the waitlist; made by whoever calls buildApp. */
  kafka: Kafka;
  /** gRPC clients of the peers; closed by whoever opened them. */
  patients: PatientClient;
  doctors: DoctorClient;
  /** The clock of policy checks; tests move it. */
  now?: () => Date;
}

/** How often lapsed waitlist offers are looked for. */
const offerExpiryIntervalMs = 1_000;

/**
 * The appointment service. `ready()` starts the outbox relay, the waitlist consumer and the
 * offer expiry; `close()` stops them. The deps stay open: whoever made them closes them.
 */
export async function buildApp(deps: AppDeps): Promise<ServiceInstance> {
  const { config, database, kafka, patients, doctors } = deps;

  const app = await createService({
    name: 'appointment',
    description: 'Appointments and their lifecycle',
    ...apiServiceOptions(config, kafka),
    // /health/ready also reports the gRPC peers this service calls (DESIGN.md §2); runAlongside
    // adds the database, Kafka and the consumer.
    readiness: { patient: () => patients.ping(), doctor: () => doctors.ping() },
  });

  const ctx: AppointmentsContext = {
    db: database.db,
    peers: grpcPeers(patients, doctors),
    defaultDurationMinutes: config.DEFAULT_APPOINTMENT_MINUTES,
    waitlistOfferMinutes: config.WAITLIST_OFFER_MINUTES,
    now: deps.now ?? (() => new Date()),
  };
  appointmentRoutes(app, ctx);
  schedulingRoutes(app, ctx);
  waitlistRoutes(app, ctx);
  patientMergeRoutes(app, ctx);
  await registerAppointmentFhir(app, ctx);

  runAlongside(app, config, {
    database,
    kafka,
    outbox: true,
    // The waitlist follows this service's own events: freed slots are offered after the
    // cancellation committed, and a crash between the two loses nothing.
    consumer: { topics: [topics.appointment], handlers: waitlistHandlers(config.WAITLIST_OFFER_MINUTES) },
    workers: [(log) => startOfferExpiry(database.db, offerExpiryIntervalMs, log)],
  });
  return app;
}
