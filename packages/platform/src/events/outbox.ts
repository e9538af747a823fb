import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { eventCatalog, type EventData, type EventType, type TypedEvent } from '@pms/contracts';
import type { Executor } from '../db/types.js';
import { AppError } from '../errors.js';
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

/**
 * Adds an event to the outbox in the caller's transaction, so it is published if and only if
 * the change commits. A trigger on the table wakes the relay at commit.
 */
export async function writeEvent<T extends EventType>(tx: Executor, input: NewEvent<T>): Promise<TypedEvent<T>> {
  const entry = eventCatalog[input.type];
  const data = entry.data.safeParse(input.data);
  if (!data.success) {
    // The payload is built by our own code: a mismatch is a bug, never the user's input.
    throw new AppError('INTERNAL', `invalid ${input.type} payload: ${z.prettifyError(data.error)}`, 'INVALID_EVENT');
  }
  const event = {
    id: randomUUID(),
    type: input.type,
    version: entry.version,
    occurredAt: new Date().toISOString(),
    source: input.source,
    subject: input.subject,
    data: data.data,
    requestId: input.requestId ?? null,
  } as TypedEvent<T>;
  await tx.insert(outbox).values({
    id: event.id,
    topic: input.topic ?? entry.topic,
    key: input.subject,
    type: input.type,
    payload: event,
  });
  return event;
}
