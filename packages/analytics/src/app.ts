import { allTopics } from '@pms/contracts';
import { apiServiceOptions, createService, runAlongside, type DatabaseHandle, type ServiceInstance } from '@pms/platform';
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
  const app = await createService({
    name: 'analytics',
    description: 'Event store of every topic; counts and revenue by day, doctor and specialty',
    ...apiServiceOptions(config, kafka),
  });

  summaryRoutes(app, { db: database.db });

  runAlongside(app, config, {
    database,
    kafka,
    consumer: { topics: allTopics, handlers: analyticsHandlers, handleBatch: recordAnalyticsBatch },
  });

  return app;
}
