import type { EventData, EventType } from '@pms/contracts';
import { newOutboxEntry, newOutboxEnvelope, writeEvent } from '@pms/platform/db';
import type { Executor } from './database.js';

export const eventSource = 'appointment';

/** Adds an appointment event to the outbox in the caller's transaction; the relay publishes it. */
export async function recordEvent<T extends EventType>(
  tx: Executor,
  type: T,
  data: EventData<T> & { appointmentId: string },
  requestId: string | null,
): Promise<void> {
  await writeEvent(tx, { type, subject: data.appointmentId, data, source: eventSource, requestId });
}

/** Any other event of this service (types, policy, waitlist), keyed by its own subject. */
export async function recordEventOf<T extends EventType>(
  tx: Executor,
  type: T,
  subject: string,
  data: EventData<T>,
  requestId: string | null,
): Promise<void> {
  await writeEvent(tx, { type, subject, data, source: eventSource, requestId });
}

/** Any other event's outbox row (validated), for a statement that inserts it with the change. */
export const newEventOf = <T extends EventType>(type: T, subject: string, data: EventData<T>, requestId: string) =>
  newOutboxEntry({ type, subject, data, source: eventSource, requestId }).row;

/** An appointment event's outbox row, for a statement that inserts it with the change. */
export const newEvent = <T extends EventType>(type: T, data: EventData<T> & { appointmentId: string }, requestId: string) =>
  newEventOf(type, data.appointmentId, data, requestId);

/** An event's outbox row whose data the inserting statement builds from the row it changes. */
export const newEnvelope = (type: EventType, subject: string, requestId: string) =>
  newOutboxEnvelope({ type, subject, source: eventSource, requestId }).row;
