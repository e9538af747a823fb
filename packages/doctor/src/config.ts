import { envFragments, envHelpers, parseConfig } from '@pms/platform';
import { z } from 'zod';

export const doctorEnvSchema = z.object({
  ...envFragments.base,
  ...envFragments.http(8083),
  ...envFragments.grpc(9083),
  ...envFragments.database,
  ...envFragments.kafka,
  ...envFragments.tokens,
  /** The consumer group that keeps the booked-slot view; tests give each app its own. */
  KAFKA_GROUP_ID: z.string().min(1).default('doctor'),
  /** Create the demo doctors (idempotent by email) at start, for `npm start`. */
  SEED_DEMO_DATA: envHelpers.bool.default(false),
}).refine((env) => env.AUTH_JWKS_URL || env.AUTH_JWKS, {
  // Fail at boot, before connecting anywhere, rather than in buildApp.
  message: 'set AUTH_JWKS_URL (auth’s JWKS) or AUTH_JWKS (an inline JWKS)',
  path: ['AUTH_JWKS_URL'],
});

export type DoctorConfig = z.infer<typeof doctorEnvSchema>;

export const loadConfig = (env: Record<string, string | undefined>): DoctorConfig => parseConfig(doctorEnvSchema, env);
