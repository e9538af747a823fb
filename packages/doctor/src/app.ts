import { doctorGrpc, topics } from '@pms/contracts';
import { apiServiceOptions, createService, runAlongside, type DatabaseHandle, type ServiceInstance } from '@pms/platform';
import type { Kafka } from 'kafkajs';
import type { DoctorConfig } from './config.js';
import type { DoctorContext } from './domain/context.js';
import { appointmentEvents } from './events/appointment-events.js';
import { doctorService } from './grpc/doctor-service.js';
import { registerDoctorRoutes } from './routes/doctors.js';
import { registerDoctorFhir } from './routes/fhir.js';
import { registerFloorRoutes } from './routes/floor.js';
import { registerScheduleRoutes } from './routes/schedules.js';

export interface AppDeps {
  config: DoctorConfig;
  database: DatabaseHandle;
  kafka: Kafka;
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
    ...apiServiceOptions(config, kafka),
  });

  const ctx: DoctorContext = { db: database.db, now: () => new Date() };
  registerDoctorRoutes(app, ctx);
  registerScheduleRoutes(app, ctx);
  registerFloorRoutes(app, ctx);
  await registerDoctorFhir(app, ctx);

  runAlongside(app, config, {
    database,
    kafka,
    grpc: [{ definition: doctorGrpc.DoctorServiceService, implementation: doctorService(ctx) }],
    outbox: true,
    consumer: { topics: [topics.appointment], ...appointmentEvents },
  });
  return app;
}
