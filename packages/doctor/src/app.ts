import { doctorGrpc, topics } from '@pms/contracts';
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
  createKafkaProbe,
  consumerJoined,
} from '@pms/platform';
import type { DoctorConfig } from './config.js';
import type { DoctorContext } from './domain/context.js';
import { appointmentEventHandlers, applyAppointmentEvents } from './events/appointment-events.js';
import { doctorService } from './grpc/doctor-service.js';
import { registerDoctorRoutes } from './routes/doctors.js';
import { registerScheduleRoutes } from './routes/schedules.js';

export interface AppDeps {
  config: DoctorConfig;
  database: DatabaseHandle;
  kafka: ReturnType<typeof createKafka>;
}

/**
 * The doctor service: HTTP routes, the gRPC DoctorService, the outbox relay (doctor-events)
 * and the appointment-events consumer behind one Fastify instance; ready() starts them all,
 * close() stops them all (the database and Kafka clients belong to the caller).
 */
export async function buildApp({ config, database, kafka }: AppDeps): Promise<ServiceInstance> {
  const app = await createService({
    name: 'doctor',
    description: 'Doctors, specialties, weekly schedules, time off and availability',
    logLevel: config.LOG_LEVEL,
    authentication: { keys: tokenSourceFrom(config), issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE },
    // Tokens of users who logged out or were disabled stop working here within seconds.
    revocations: { kafka },
    // What /health/ready reports (DESIGN.md §2): the database, Kafka and the gRPC peers this
    // service calls. Liveness (/health/live) stays independent of them.
    readiness: {
      database: database.ping,
      kafka: () => kafkaProbe.check(),
      consumer: () => consumerJoined(consumer),
    },
  });

  const kafkaProbe = createKafkaProbe(kafka);
  const ctx: DoctorContext = { db: database.db, now: () => new Date() };
  registerDoctorRoutes(app, ctx);
  registerScheduleRoutes(app, ctx);

  let grpc: GrpcServerHandle | undefined;
  let relay: OutboxRelay | undefined;
  let consumer: EventConsumer | undefined;
  app.addHook('onReady', async () => {
    grpc = await startGrpcServer({
      host: config.GRPC_HOST,
      port: config.GRPC_PORT,
      services: [{ definition: doctorGrpc.DoctorServiceService, implementation: doctorService(ctx) }],
      logger: app.log,
    });
    relay = startOutboxRelay({ handle: database, kafka, logger: app.log });
    // Not awaited: the consumer joins (and retries) in the background, so Kafka being down
    // never keeps HTTP and gRPC from serving.
    consumer = startConsumer({
      kafka,
      groupId: config.KAFKA_GROUP_ID,
      topics: [topics.appointment],
      handle: database,
      handlers: appointmentEventHandlers,
      handleBatch: applyAppointmentEvents,
      logger: app.log,
    });
  });
  app.addHook('onClose', async () => {
    await Promise.all([grpc?.stop(), relay?.stop(), consumer?.stop(), kafkaProbe.close()]);
  });
  return app;
}
