import { bigint, date, index, integer, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import type { EventEnvelope } from '@pms/contracts';

/**
 * Every event of every topic, once (by envelope id). The facts the summary aggregates are
 * copied into columns at insert, so partial days are an indexed range scan, not JSON parsing.
 */
export const eventStore = pgTable(
  'event_store',
  {
    id: uuid('id').primaryKey(),
    type: text('type').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    source: text('source').notNull(),
    subject: text('subject').notNull(),
    /** The doctor the event is about (appointment, invoice and doctor events). */
    doctorId: uuid('doctor_id'),
    specialty: text('specialty'),
    /** Invoice amount (invoice events). */
    amountCents: bigint('amount_cents', { mode: 'number' }),
    currency: text('currency'),
    envelope: jsonb('envelope').$type<EventEnvelope>().notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('event_store_occurred_at_idx').on(table.occurredAt, table.type), index('event_store_subject_idx').on(table.subject)],
);

/**
 * Counted events rolled up per UTC day, type, doctor and specialty, updated in the same
 * transaction as the event store insert: whole days of a summary read these few rows.
 */
export const dailyCounts = pgTable(
  'daily_counts',
  {
    day: date('day', { mode: 'string' }).notNull(),
    type: text('type').notNull(),
    doctorId: uuid('doctor_id'),
    specialty: text('specialty'),
    events: integer('events').notNull(),
    amountCents: bigint('amount_cents', { mode: 'number' }).notNull(),
  },
  // Patient events have no doctor: NULLS NOT DISTINCT keeps one row for them too.
  (table) => [unique('daily_counts_key').on(table.day, table.type, table.doctorId, table.specialty).nullsNotDistinct()],
);

export type StoredEventRow = typeof eventStore.$inferInsert;
