export { consumerJoined, startConsumer, type ConsumerOptions, type EventConsumer, type EventHandler, type EventHandlers } from './consumer.js';
export {
  createKafka,
  deferredLogger,
  ensureTopics,
  type EventLogger,
  type KafkaLogLevel,
  type KafkaOptions,
} from './kafka.js';
export { eventMigrationsFolder, migrateEventTables } from './migrate.js';
export { newOutboxEntry, newOutboxEnvelope, outboxInsertFrom, writeEvent, type NewEvent } from './outbox.js';
export { startOutboxRelay, type OutboxRelay, type OutboxRelayOptions } from './relay.js';
export { outbox, processedEvents } from './tables.js';
export { createKafkaProbe, type KafkaProbe } from './kafka-probe.js';
export { createRevocationFeed, type RevocationFeed, type RevocationFeedStart } from './revocation-feed.js';
