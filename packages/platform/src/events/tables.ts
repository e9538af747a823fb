import { sql } from 'drizzle-orm';
import { bigserial, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { EventEnvelope } from '@pms/contracts';

/** Events written in the same transaction as the change they announce; the relay publishes them. */
export const outbox = pgTable(
  'outbox',
  {
    id: uuid('id').primaryKey(),
    /** Insert order: the relay publishes in this order, so events of one key stay in order. */
    sequence: bigserial('sequence', { mode: 'number' }).notNull(),
    topic: text('topic').notNull(),
    key: text('key').notNull(),
    type: text('type').notNull(),
    payload: jsonb('payload').$type<EventEnvelope>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    attempts: integer('attempts').notNull().default(0),
    /** The W3C traceparent of the request (or event) that wrote it: the relay sends it on as a Kafka header. */
    traceparent: text('traceparent'),
  },
  (table) => [index('outbox_unsent_idx').on(table.sequence).where(sql`${table.sentAt} is null`)],
);

/** Event ids a consumer group has applied; inserted in the same transaction as the effect. */
export const processedEvents = pgTable(
  'processed_events',
  {
    eventId: uuid('event_id').notNull(),
    consumerGroup: text('consumer_group').notNull(),
    processedAt: timestamp('processed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // One database may host several groups of one service, each applying the event once.
  (table) => [primaryKey({ columns: [table.eventId, table.consumerGroup] })],
);
