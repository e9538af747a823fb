import {
  createKafka,
  createKafkaProbe,
  createRevocationFeed,
  createService,
  startOutboxRelay,
  tokenSourceFrom,
  type DatabaseHandle,
  type OutboxRelay,
  type ServiceInstance,
} from '@pms/platform';
import type { AppointmentConfig } from './config.js';
import type { AppointmentsContext } from './domain/context.js';
import { grpcPeers, type DoctorClient, type PatientClient } from './peers/grpc-peers.js';
import { appointmentRoutes } from './routes/appointments.js';

export interface AppDeps {
  config: AppointmentConfig;
  /** Connected and migrated (connectDatabase with eventTables). */
  database: DatabaseHandle;
  patients: PatientClient;
  doctors: DoctorClient;
}

/**
 * The appointment service. `ready()` starts the outbox relay; `close()` stops it and then
 * closes what `deps` holds (database, gRPC clients): the app owns them from here on.
 */
export async function buildApp(deps: AppDeps): Promise<ServiceInstance> {
  const { config, database, patients, doctors } = deps;
  let relay: OutboxRelay | undefined;

  // Tokens of users who logged out or were disabled stop working here within seconds.
  const revocations = createRevocationFeed();
  const app = await createService({
    name: 'appointment',
    description: 'Appointments and their lifecycle',
    logLevel: config.LOG_LEVEL,
    authentication: { keys: tokenSourceFrom(config), issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, revocations: revocations.list },
    // What /health/ready reports (DESIGN.md §2): the database, Kafka and the gRPC peers this
    // service calls. Liveness (/health/live) stays independent of them.
    readiness: {
      revocations: () => revocations.caughtUp(),
      database: () => database.ping(),
      kafka: () => kafkaProbe.check(),
      patient: () => patients.ping(),
      doctor: () => doctors.ping(),
    },
  });
  // Built here rather than in main so kafkajs logs through the service's logger.
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID ?? 'appointment', logger: app.log });
  const kafkaProbe = createKafkaProbe(kafka);

  const ctx: AppointmentsContext = {
    db: database.db,
    peers: grpcPeers(patients, doctors),
    defaultDurationMinutes: config.DEFAULT_APPOINTMENT_MINUTES,
  };
  appointmentRoutes(app, ctx);

  app.addHook('onReady', async () => {
    revocations.start({ kafka, service: 'appointment', logger: app.log });
    relay = startOutboxRelay({ handle: database, kafka, logger: app.log });
  });
  app.addHook('onClose', async () => {
    await revocations.stop();
    await Promise.all([relay?.stop(), kafkaProbe.close()]);
    patients.close();
    doctors.close();
    await database.close();
  });
  return app;
}
