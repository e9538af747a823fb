import type { Kafka } from 'kafkajs';
import { connectDatabase, type DatabaseHandle } from './db/database.js';
import { createKafka } from './events/kafka.js';
import { deferredLogger } from './events/logger.js';

// The boot steps every main.ts with a database or Kafka takes (serve is in lifecycle.ts); main.ts stays the only reader of process.env and passes its config.

/** envFragments.database, parsed. */
interface DatabaseSettings {
  DATABASE_URL: string;
  DATABASE_POOL_SIZE: number;
  DATABASE_QUERY_TIMEOUT_MS: number;
}

/** envFragments.kafka, parsed. */
interface KafkaSettings {
  KAFKA_BROKERS: string[];
  KAFKA_CLIENT_ID?: string;
}

/** The service's database from DATABASE_*: its migrations and the event tables applied. main.ts closes it. */
export function connectServiceDatabase(config: DatabaseSettings, migrationsFolder: string): Promise<DatabaseHandle> {
  return connectDatabase({
    url: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    queryTimeoutMs: config.DATABASE_QUERY_TIMEOUT_MS,
    migrationsFolder,
    eventTables: true,
  });
}

/**
 * The service's Kafka client from KAFKA_BROKERS (client id KAFKA_CLIENT_ID, else the service's
 * name). kafkajs takes its logger now, before buildApp makes the service's: `log.attach(app.log)` after.
 */
export function createServiceKafka(
  config: KafkaSettings,
  name: string,
): { kafka: Kafka; log: ReturnType<typeof deferredLogger> } {
  const log = deferredLogger();
  return { kafka: createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID ?? name, logger: log }), log };
}
