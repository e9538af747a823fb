import { allTopics } from '@pms/contracts';
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
import type { AnalyticsConfig } from './config.js';
import { analyticsHandlers, recordAnalyticsBatch } from './events/handlers.js';
import { summaryRoutes } from './routes/summary.js';

export interface AppDeps {
  config: AnalyticsConfig;
  database: DatabaseHandle;
  kafka: Kafka;
}

export async function buildApp({ config, database, kafka }: AppDeps): Promise<ServiceInstance> {
  const probe = createKafkaProbe(kafka);
  let consumer: EventConsumer | undefined;

  const app = await createService({
    name: 'analytics',
    description: 'Event store of every topic; counts and revenue by day, doctor and specialty',
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

  summaryRoutes(app, { db: database.db });

  app.addHook('onReady', async () => {
    consumer = startConsumer({
      kafka,
      groupId: config.KAFKA_GROUP_ID,
      topics: allTopics,
      handle: database,
      handlers: analyticsHandlers,
      handleBatch: recordAnalyticsBatch,
      logger: app.log.child({ component: 'consumer' }),
    });
  });

  app.addHook('onClose', async () => {
    await consumer?.stop();
    await probe.close();
  });

  return app;
}
