import { envFragments, parseConfig } from '@pms/platform';
import { z } from 'zod';

export const patientEnvSchema = z
  .object({
    ...envFragments.base,
    ...envFragments.http(8080),
    ...envFragments.grpc(9080),
    ...envFragments.database,
    ...envFragments.kafka,
    ...envFragments.tokens,
    /** billing's gRPC address (host:port), called once per new patient. */
    BILLING_GRPC_URL: z.string().min(1).default('localhost:9081'),
    /** How long a create waits for billing before answering with billingStatus PENDING. */
    BILLING_DEADLINE_MS: z.coerce.number().int().min(50).max(10_000).default(500),
    /** appointment's HTTP base URL: a merge asks it to move the duplicate's appointments (or refuse an overlap). */
    APPOINTMENT_URL: z.url().default('http://localhost:8084'),
    /** How long a merge waits for appointment before answering 503 with nothing merged. */
    APPOINTMENT_DEADLINE_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
    /** The consumer group that reads billing-events (BillingAccountCreated → billingStatus ACTIVE). */
    KAFKA_GROUP_ID: z.string().min(1).default('patient'),
  })
  .superRefine((env, context) => {
    if (!env.AUTH_JWKS_URL && !env.AUTH_JWKS) {
      context.addIssue({ code: 'custom', path: ['AUTH_JWKS_URL'], message: 'set AUTH_JWKS_URL (or AUTH_JWKS)' });
    }
  });

export type PatientConfig = z.infer<typeof patientEnvSchema>;

export const loadConfig = (env: Record<string, string | undefined>): PatientConfig => parseConfig(patientEnvSchema, env);
