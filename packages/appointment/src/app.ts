import { topics } from '@pms/contracts';
import {
  consumerJoined,
  createKafka,
  createKafkaProbe,
  createService,
  startConsumer,
  startOutboxRelay,
  tokenSourceFrom,
  type DatabaseHandle,
  type EventConsumer,
  type OutboxRelay,
  type ServiceInstance,
} from '@pms/platform';
import type { AppointmentConfig } from './config.js';
import type { AppointmentsContext } from './domain/context.js';
import { grpcPeers, type DoctorClient, type PatientClient } from './peers/grpc-peers.js';
import { waitlistHandlers } from './events/handlers.js';
import { appointmentRoutes } from './routes/appointments.js';
import { schedulingRoutes } from './routes/scheduling.js';
import { waitlistRoutes } from './routes/waitlist.js';
import { startOfferExpiry, type OfferExpiry } from './workers/offer-expiry.js';

export interface AppDeps {
  config: AppointmentConfig;
  /** Connected and migrated (connectDatabase with eventTables); closed by whoever opened it. */
  database: DatabaseHandle;
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
  const { config, database, patients, doctors } = deps;
  let relay: OutboxRelay | undefined;
  let consumer: EventConsumer | undefined;
  let offerExpiry: OfferExpiry | undefined;

  const app = await createService({
    name: 'appointment',
    description: 'Appointments and their lifecycle',
    logLevel: config.LOG_LEVEL,
    authentication: { keys: tokenSourceFrom(config), issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE },
    // Tokens of users who logged out or were disabled stop working here within seconds.
    revocations: { kafka: () => kafka },
    // What /health/ready reports (DESIGN.md §2): the database, Kafka and the gRPC peers this
    // service calls. Liveness (/health/live) stays independent of them.
    readiness: {
      database: () => database.ping(),
      kafka: () => kafkaProbe.check(),
      patient: () => patients.ping(),
      doctor: () => doctors.ping(),
      consumer: () => consumerJoined(consumer),
    },
  });
  // Built here rather than in main so kafkajs logs through the service's logger.
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID ?? 'appointment', logger: app.log });
  const kafkaProbe = createKafkaProbe(kafka);

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

  app.addHook('onReady', async () => {
    relay = startOutboxRelay({ handle: database, kafka, logger: app.log });
    // The waitlist follows this service's own events: freed slots are offered after the
    // cancellation committed, and a crash between the two loses nothing.
    consumer = startConsumer({
      kafka,
      groupId: config.KAFKA_GROUP_ID,
      topics: [topics.appointment],
      handle: database,
      handlers: waitlistHandlers(config.WAITLIST_OFFER_MINUTES),
      logger: app.log.child({ component: 'consumer' }),
    });
    offerExpiry = startOfferExpiry(database.db, offerExpiryIntervalMs, app.log);
  });
  app.addHook('onClose', async () => {
    await consumer?.stop();
    await Promise.all([relay?.stop(), offerExpiry?.stop(), kafkaProbe.close()]);
  });
  return app;
}
