import { z } from 'zod';
import { isoDateTime, uuid } from '../common.js';
import { eventCatalog, eventTypes, type EventData, type EventType } from './catalog.js';

/** The envelope every event travels in (JSON on Kafka, keyed by `subject`). */
export const EventEnvelope = z.object({
  id: uuid,
  type: z.enum(eventTypes as [EventType, ...EventType[]]),
  version: z.number().int().positive(),
  occurredAt: isoDateTime,
  source: z.string().min(1),
  subject: z.string().min(1),
  data: z.unknown(),
  requestId: z.string().nullable(),
});
export type EventEnvelope = z.infer<typeof EventEnvelope>;

/** An envelope whose `data` has been validated against its type's payload schema. */
export type TypedEvent<T extends EventType = EventType> = {
  [K in T]: Omit<EventEnvelope, 'type' | 'data'> & { type: K; data: EventData<K> };
}[T];

export type ParseResult = { ok: true; event: TypedEvent } | { ok: false; reason: string };

/** Validates the envelope, then the payload of its type; never throws. */
export function parseEvent(raw: unknown): ParseResult {
  const envelope = EventEnvelope.safeParse(raw);
  if (!envelope.success) return { ok: false, reason: `invalid envelope: ${z.prettifyError(envelope.error)}` };
  const data = eventCatalog[envelope.data.type].data.safeParse(envelope.data.data);
  if (!data.success) {
    return { ok: false, reason: `invalid ${envelope.data.type} payload: ${z.prettifyError(data.error)}` };
  }
  return { ok: true, event: { ...envelope.data, data: data.data } as TypedEvent };
}
