import { envFragments, parseConfig } from '@pms/platform';
import { z } from 'zod';

export const analyticsEnvSchema = z.object({
  ...envFragments.base,
  ...envFragments.http(8082),
  ...envFragments.database,
  ...envFragments.kafka,
  ...envFragments.tokens,
  /** Consumer group; every replica shares it so each event is stored once. */
  KAFKA_GROUP_ID: z.string().min(1).default('analytics'),
});

export type AnalyticsConfig = z.infer<typeof analyticsEnvSchema>;

export const loadConfig = (env: Record<string, string | undefined>): AnalyticsConfig => parseConfig(analyticsEnvSchema, env);
