import { envFragments, parseConfig } from '@pms/platform';
import { z } from 'zod';

export const appointmentEnvSchema = z
  .object({
    ...envFragments.base,
    ...envFragments.http(8084),
    ...envFragments.database,
    // Booking holds a connection for one short transaction; at the target load (50 concurrent
    // requests) anything smaller queues queries inside postgres.js.
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(50),
    ...envFragments.kafka,
    ...envFragments.tokens,
    /** host:port of patient's gRPC server (patient.v1.PatientService). */
    PATIENT_GRPC_URL: z.string().min(1).default('localhost:9080'),
    /** host:port of doctor's gRPC server (doctor.v1.DoctorService). */
    DOCTOR_GRPC_URL: z.string().min(1).default('localhost:9083'),
    /** Deadline of every call to patient and doctor: a slow peer turns into a quick 503. */
    GRPC_DEADLINE_MS: z.coerce.number().int().min(50).max(30_000).default(1_000),
    /** Consumer group of the waitlist's appointment-events consumer; replicas share it. */
    KAFKA_GROUP_ID: z.string().min(1).default('appointment'),
    /** How long a freed slot is held for a waitlist entry before it passes to the next. */
    WAITLIST_OFFER_MINUTES: z.coerce.number().int().min(1).max(10_080).default(60),
    /** Length of an appointment booked without durationMinutes. */
    DEFAULT_APPOINTMENT_MINUTES: z.coerce.number().int().min(5).max(480).default(30),
  })
  .superRefine((env, context) => {
    if (!env.AUTH_JWKS && !env.AUTH_JWKS_URL) {
      context.addIssue({ code: 'custom', path: ['AUTH_JWKS_URL'], message: 'one of AUTH_JWKS_URL or AUTH_JWKS is required' });
    }
  });

export type AppointmentConfig = z.infer<typeof appointmentEnvSchema>;

export const loadConfig = (env: Record<string, string | undefined>): AppointmentConfig =>
  parseConfig(appointmentEnvSchema, env);
