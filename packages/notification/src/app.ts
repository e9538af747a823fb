import { authTopics, topics } from '@pms/contracts';
import {
  createService,
  startConsumer,
  tokenSourceFrom,
  type DatabaseHandle,
  type EventConsumer,
  type ServiceInstance,
  consumerJoined,
  createKafkaProbe,
} from '@pms/platform';
import type { Kafka } from 'kafkajs';
import type { NotificationConfig } from './config.js';
import { startReminderScheduler, type ReminderScheduler } from './delivery/reminders.js';
import { startDeliveryWorker, type DeliveryWorker } from './delivery/worker.js';
import type { Channels } from './domain/channels.js';
import type { DeliveryPolicy } from './domain/delivery.js';
import { notificationConsumer } from './events/handlers.js';
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
  const probe = createKafkaProbe(kafka);
  let consumer: EventConsumer | undefined;
  let worker: DeliveryWorker | undefined;
  let reminders: ReminderScheduler | undefined;

  const app = await createService({
    name: 'notification',
    description: 'Notification log; email and SMS delivery for patient, appointment and billing events',
    logLevel: config.LOG_LEVEL,
    authentication: { keys: tokenSourceFrom(config), issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE },
    // Tokens of users who logged out or were disabled stop working here within seconds.
    revocations: { kafka },
    readiness: {
      database: () => database.ping(),
      kafka: () => probe.check(),
      consumer: () => consumerJoined(consumer),
    },
  });

  notificationRoutes(app, { db: database.db, wake: () => worker?.wake() });

  const policy: DeliveryPolicy = {
    maxAttempts: config.NOTIFICATION_MAX_ATTEMPTS,
    initialDelayMs: config.NOTIFICATION_RETRY_INITIAL_MS,
    maxDelayMs: config.NOTIFICATION_RETRY_MAX_MS,
    concurrency: config.NOTIFICATION_CONCURRENCY,
    leaseMs: config.NOTIFICATION_LEASE_MS,
  };

  app.addHook('onReady', async () => {
    worker = startDeliveryWorker({
      handle: database,
      channels,
      policy,
      logger: app.log.child({ component: 'delivery' }),
      pollIntervalMs: config.NOTIFICATION_POLL_INTERVAL_MS,
    });
    consumer = startConsumer({
      kafka,
      groupId: config.KAFKA_GROUP_ID,
      topics: consumedTopics,
      handle: database,
      ...notificationConsumer(config.REMINDER_OFFSETS),
      logger: app.log.child({ component: 'consumer' }),
    });
    reminders = startReminderScheduler(database.db, config.NOTIFICATION_POLL_INTERVAL_MS, app.log.child({ component: 'reminders' }));
  });

  app.addHook('onClose', async () => {
    // Consumer first: nothing new is logged while the worker finishes what it is sending.
    await consumer?.stop();
    await reminders?.stop();
    await worker?.stop();
    await probe.close();
  });

  return app;
}
