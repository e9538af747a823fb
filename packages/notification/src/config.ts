import { envFragments, envHelpers, parseConfig } from '@pms/platform';
import { z } from 'zod';

const positiveInt = (fallback: number) => z.coerce.number().int().min(1).default(fallback);

const unitSeconds = { s: 1, m: 60, h: 3_600, d: 86_400 } as const;

/** `24h,2h,30m` → seconds, largest first; each offset once. */
export const reminderOffsets = z
  .string()
  .trim()
  .transform((value, context) => {
    const seconds = new Set<number>();
    for (const part of value.split(',').map((item) => item.trim()).filter(Boolean)) {
      const match = /^(\d+)\s*([smhd])$/.exec(part);
      if (!match || Number(match[1]) === 0) {
        context.addIssue({ code: 'custom', message: `"${part}" is not a duration like 24h, 30m, 2d or 90s` });
        return z.NEVER;
      }
      seconds.add(Number(match[1]) * unitSeconds[match[2] as keyof typeof unitSeconds]);
    }
    return [...seconds].sort((a, b) => b - a);
  });

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
    /** Before each BOOKED appointment, a reminder this long ahead of its start; empty for none. */
    REMINDER_OFFSETS: reminderOffsets.default([86_400, 7_200]),
    /**
     * Messages sent in parallel by one replica (and its pooled SMTP connections). Each SMTP send
     * is several round trips to the relay, so few parallel sends bound throughput long before CPU
     * does: at 4, an email burst after 1,500 bookings took 35 s to send; at 16, 5 s (README).
     */
    NOTIFICATION_CONCURRENCY: positiveInt(16),
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
