import { sql, type SQL } from 'drizzle-orm';
import type { outbox } from '@pms/platform/db';

// The outbox writes the domain needs, behind ../db like every other table it touches.
export { newOutboxEntry, writeEvent } from '@pms/platform/db';

/** An outbox row built (and validated) before the statement that writes it: see newOutboxEntry. */
export type OutboxEntry = typeof outbox.$inferInsert;

/**
 * The outbox insert of a multi-row statement (a CTE of it): one event per row the CTE `inserted`
 * returned, the one its `wanted` row (same id) carries in its `event` column. Rows the statement
 * did not insert (they existed) announce nothing.
 */
export const eventsOfInserted = (inserted: string, wanted: string): SQL => sql`
  insert into outbox (id, topic, key, type, payload)
  select (w.event ->> 'id')::uuid, w.event ->> 'topic', w.event ->> 'key', w.event ->> 'type', w.event -> 'payload'
  from ${sql.raw(inserted)} n join ${sql.raw(wanted)} w using (id)`;
