import { authTopics, topics } from '@pms/contracts';
import { apiServiceOptions, createService, runAlongside, type DatabaseHandle, type ServiceInstance } from '@pms/platform';
import type { Kafka } from 'kafkajs';
import type { NotificationConfig } from './config.js';
import { startReminderScheduler } from './delivery/reminders.js';
import { startDeliveryWorker, type DeliveryWorker } from './delivery/worker.js';
import type { Channels } from './domain/channels.js';
import type { DeliveryPolicy } from './domain/delivery.js';
import { notificationConsumer } from './events/handlers.js';
import { registerNotificationFhir } from './routes/fhir.js';
import { notificationRoutes } from './routes/notifications.js';

export interface AppDeps {
  config: NotificationConfig;
  database: DatabaseHandle;
  kafka: Kafka;
  /** Email and SMS transports (SMTP and webhook/log in main.ts). */
  channels: Channels;
}

/** The topics whose events notify someone. */
export const consumedTopics = [topics.appointment, topics.billing, topics.patient, authTopics.events];

export async function buildApp({ config, database, kafka, channels }: AppDeps): Promise<ServiceInstance> {
  let worker: DeliveryWorker | undefined;

  const app = await createService({
    name: 'notification',
    description: 'Notification log; email and SMS delivery for patient, appointment and billing events',
    ...apiServiceOptions(config, kafka),
  });

  const ctx = { db: database.db, wakeDelivery: () => worker?.wake() };
  notificationRoutes(app, ctx);
  await registerNotificationFhir(app, ctx);

  const policy: DeliveryPolicy = {
    maxAttempts: config.NOTIFICATION_MAX_ATTEMPTS,
    initialDelayMs: config.NOTIFICATION_RETRY_INITIAL_MS,
    maxDelayMs: config.NOTIFICATION_RETRY_MAX_MS,
    concurrency: config.NOTIFICATION_CONCURRENCY,
    leaseMs: config.NOTIFICATION_LEASE_MS,
  };

  runAlongside(app, config, {
    database,
    kafka,
    consumer: { topics: consumedTopics, ...notificationConsumer(config.REMINDER_OFFSETS) },
    // Stopped after the consumer (nothing new is logged while the worker finishes what it is
    // sending), in reverse order: reminders, then the worker.
    workers: [
      (log) =>
        (worker = startDeliveryWorker({
          handle: database,
          channels,
          policy,
          logger: log.child({ component: 'delivery' }),
          pollIntervalMs: config.NOTIFICATION_POLL_INTERVAL_MS,
        })),
      (log) => startReminderScheduler(database.db, config.NOTIFICATION_POLL_INTERVAL_MS, log.child({ component: 'reminders' })),
    ],
  });

  return app;
}
