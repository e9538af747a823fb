import type { EventData, EventType } from '@pms/contracts';
import { newOutboxEntry, newOutboxEnvelope } from '@pms/platform/db';
import { sql, type SQL } from 'drizzle-orm';

export const eventSource = 'appointment';

/** An event's outbox row keyed by `subject` (its data validated), for a statement that inserts it with the change. */
export const newEventOf = <T extends EventType>(type: T, subject: string, data: EventData<T>, requestId: string) =>
  newOutboxEntry({ type, subject, data, source: eventSource, requestId }).row;

/** An appointment event's outbox row, for a statement that inserts it with the change. */
export const newEvent = <T extends EventType>(type: T, data: EventData<T> & { appointmentId: string }, requestId: string) =>
  newEventOf(type, data.appointmentId, data, requestId);

/** An event's outbox row whose data the inserting statement builds from the row it changes. */
export const newEnvelope = (type: EventType, subject: string, requestId: string | null) =>
  newOutboxEnvelope({ type, subject, source: eventSource, requestId }).row;

/**
 * The outbox insert of one `type` event per row of the CTE `source`, keyed by the row's id
 * (platform's outboxInsertFrom writes one event per statement): the envelope with a fresh id per
 * row (gen_random_uuid() in a select list runs once per row), the row's id as subject, and the
 * data `data` builds over the row (aliased `e`).
 */
export function outboxInsertEach(source: string, type: EventType, requestId: string | null, data: (alias: string) => string): SQL {
  const template = newEnvelope(type, 'per row', requestId);
  return sql`insert into outbox (id, topic, key, type, payload, traceparent)
    select e.event_id, ${template.topic}, e.id::text, ${template.type},
      ${JSON.stringify(template.payload)}::jsonb || jsonb_build_object('id', e.event_id, 'subject', e.id::text, 'data', ${sql.raw(data('e'))}),
      ${template.traceparent ?? null}::text
    from (select gen_random_uuid() as event_id, ${sql.raw(source)}.* from ${sql.raw(source)}) as e`;
}
