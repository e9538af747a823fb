import { envFragments, envHelpers, parseConfig } from '@pms/platform';
import { z } from 'zod';

const positiveInt = (fallback: number) => z.coerce.number().int().min(1).default(fallback);

export const notificationEnvSchema = z
  .object({
    ...envFragments.base,
    ...envFragments.http(8086),
    ...envFragments.database,
    ...envFragments.kafka,
    ...envFragments.tokens,
    /** Consumer group; every replica shares it so each event is handled once. */
    KAFKA_GROUP_ID: z.string().min(1).default('notification'),
    SMTP_HOST: z.string().min(1).default('localhost'),
    SMTP_PORT: envHelpers.port(1025),
    /** TLS from the first byte (port 465); otherwise STARTTLS is used when the server offers it. */
    SMTP_SECURE: envHelpers.bool.default(false),
    SMTP_USER: z.string().min(1).optional(),
    SMTP_PASSWORD: z.string().min(1).optional(),
    SMTP_FROM: z.string().min(3).default('PMS Clinic <no-reply@pms.local>'),
    /** SMS go to this webhook as JSON `{to, text}`; without it they are only logged. */
    SMS_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
    /** Attempts per message (email or SMS) before it stays FAILED for good. */
    NOTIFICATION_MAX_ATTEMPTS: positiveInt(10),
    /** Delay before the first retry; doubled each attempt up to NOTIFICATION_RETRY_MAX_MS. */
    NOTIFICATION_RETRY_INITIAL_MS: positiveInt(10_000),
    NOTIFICATION_RETRY_MAX_MS: positiveInt(3_600_000),
    /** Fallback poll for due retries; new messages wake the worker at once. */
    NOTIFICATION_POLL_INTERVAL_MS: positiveInt(1_000),
    /** Messages sent in parallel by one replica. */
    NOTIFICATION_CONCURRENCY: positiveInt(4),
    /**
     * How long a replica's claim on a message lasts: what a crashed replica was sending waits
     * this long before another sends it. Longer than any transport timeout (under a minute).
     */
    NOTIFICATION_LEASE_MS: positiveInt(300_000),
  })
  .superRefine((env, context) => {
    if (Boolean(env.SMTP_USER) !== Boolean(env.SMTP_PASSWORD)) {
      context.addIssue({ code: 'custom', path: ['SMTP_PASSWORD'], message: 'set SMTP_USER and SMTP_PASSWORD together' });
    }
  });

export type NotificationConfig = z.infer<typeof notificationEnvSchema>;

export const loadConfig = (env: Record<string, string | undefined>): NotificationConfig =>
  parseConfig(notificationEnvSchema, env);
