import { randomUUID } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { eventCatalog, type EventData, type EventType, type TypedEvent } from '@pms/contracts';
import type { Executor } from '../db/types.js';
import { AppError } from '../errors.js';
import { traceparentOf } from '../tracing/spans.js';
import { outbox } from './tables.js';

export interface NewEvent<T extends EventType> {
  type: T;
  /** The aggregate id: the Kafka key, so one aggregate's events stay in order. */
  subject: string;
  data: EventData<T>;
  /** The service that publishes it, e.g. `appointment`. */
  source: string;
  requestId?: string | null;
  /** Overrides the catalog's topic; for tests that need a topic of their own. */
  topic?: string;
}

/** An outbox row as newOutboxEntry builds it, for a statement that writes it with its change. */
export type OutboxRow = typeof outbox.$inferInsert;

/**
 * The envelope of a new event and its outbox row, validated, without writing it: for a
 * statement that inserts the change and its event together (one round trip).
 */
export function newOutboxEntry<T extends EventType>(input: NewEvent<T>): { event: TypedEvent<T>; row: OutboxRow } {
  const data = eventCatalog[input.type].data.safeParse(input.data);
  if (!data.success) {
    // The payload is built by our own code: a mismatch is a bug, never the user's input.
    throw new AppError('INTERNAL', `invalid ${input.type} payload: ${z.prettifyError(data.error)}`, 'INVALID_EVENT');
  }
  const { event, row } = newOutboxEnvelope(input);
  const full = { ...event, data: data.data } as TypedEvent<T>;
  return { event: full, row: { ...row, payload: full } };
}

/**
 * An event whose data the inserting statement builds from the row it changes (known only to
 * it): the envelope with `data: null`, for `jsonb_set(payload, '{data}', …)`. The consumers
 * validate the result like any event.
 */
export function newOutboxEnvelope(input: Omit<NewEvent<EventType>, 'data'>): { event: Omit<TypedEvent, 'data'>; row: OutboxRow } {
  const entry = eventCatalog[input.type];
  const event = {
    id: randomUUID(),
    type: input.type,
    version: entry.version,
    occurredAt: new Date().toISOString(),
    source: input.source,
    subject: input.subject,
    data: null,
    requestId: input.requestId ?? null,
  };
  // The trace goes with the event in the same insert: no round trip of its own.
  const traceparent = traceparentOf();
  return { event, row: { id: event.id, topic: input.topic ?? entry.topic, key: input.subject, type: input.type, payload: event as unknown as TypedEvent, traceparent } };
}

/**
 * Adds an event to the outbox in the caller's transaction, so it is published if and only if
 * the change commits. A trigger on the table wakes the relay at commit.
 */
export async function writeEvent<T extends EventType>(tx: Executor, input: NewEvent<T>): Promise<TypedEvent<T>> {
  const { event, row } = newOutboxEntry(input);
  await tx.insert(outbox).values(row);
  return event;
}

/** Many events in one statement (a consumer's run of effects); in the order given. */
export async function writeEvents(tx: Executor, inputs: NewEvent<EventType>[]): Promise<void> {
  if (inputs.length === 0) return;
  await tx.insert(outbox).values(inputs.map((input) => newOutboxEntry(input).row));
}

/**
 * The outbox insert as a CTE of the statement that makes the change: `insert … select … from
 * <source>` writes the event if and only if the CTE named `source` produced a row. With `data`
 * (SQL over the source's columns) the statement fills in the envelope's data.
 */
export function outboxInsertFrom(source: string, row: OutboxRow, data?: SQL): SQL {
  const payload = sql`${JSON.stringify(row.payload)}::jsonb`;
  return sql`insert into outbox (id, topic, key, type, payload, traceparent)
    select ${row.id}::uuid, ${row.topic}, ${row.key}, ${row.type}, ${data ? sql`jsonb_set(${payload}, '{data}', ${data})` : payload}, ${row.traceparent ?? null}::text
    from ${sql.raw(source)}`;
}
