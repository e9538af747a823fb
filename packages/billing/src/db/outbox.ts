import { sql, type SQL } from 'drizzle-orm';

// The outbox writes the domain needs, behind ../db like every other table it touches.
export { newOutboxEntry, writeEvent, writeEvents, type OutboxRow } from '@pms/platform/db';

/**
 * The outbox insert of a multi-row statement (a CTE of it): one event per row each CTE `inserted`
 * returned, the one its `wanted` row (same id) carries in its `event` column. Rows the statement
 * did not insert (they existed) announce nothing. One insert for all, in the order of `sources`,
 * so e.g. an account is announced before the invoice billed to it (the relay publishes in order).
 */
export function eventsOfInserted(...sources: [inserted: string, wanted: string][]): SQL {
  const parts = sources.map(([inserted, wanted], index) => sql.raw(`select ${index} as part, w.event from ${inserted} join ${wanted} w using (id)`));
  return sql`
    insert into outbox (id, topic, key, type, payload, traceparent)
    select (event ->> 'id')::uuid, event ->> 'topic', event ->> 'key', event ->> 'type', event -> 'payload', event ->> 'traceparent'
    from (${sql.join(parts, sql` union all `)}) as e order by part`;
}
