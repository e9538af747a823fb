import type { TypedEvent } from '@pms/contracts';
import { addToDailyCounts, countedTypes, insertEvent, type CountedType, type Executor } from '../db/event-store.js';

interface Facts {
  doctorId?: string;
  specialty?: string;
  amountCents?: number;
  currency?: string;
}

/** What the summary groups and sums by, taken from the event's payload. */
function factsOf(event: TypedEvent): Facts {
  switch (event.type) {
    case 'AppointmentBooked':
    case 'AppointmentCancelled':
    case 'AppointmentRescheduled':
    case 'AppointmentCompleted':
    case 'AppointmentNoShow':
      return { doctorId: event.data.doctorId, specialty: event.data.doctor.specialty };
    case 'InvoiceGenerated':
    case 'InvoicePaid':
    case 'InvoiceVoided':
      return {
        doctorId: event.data.doctorId,
        specialty: event.data.specialty,
        amountCents: event.data.amountCents,
        currency: event.data.currency,
      };
    case 'DoctorCreated':
    case 'DoctorUpdated':
      return { doctorId: event.data.doctorId, specialty: event.data.specialty };
    default:
      return {};
  }
}

const isCounted = (type: string): type is CountedType => (countedTypes as readonly string[]).includes(type);

/**
 * Adds an event to the event store and, if the summary counts it, to its UTC day's totals, in
 * the consumer's transaction. The store is keyed by the event id: a redelivered event (already
 * skipped by processed_events) can never count twice.
 */
export async function recordEvent(tx: Executor, event: TypedEvent): Promise<boolean> {
  const facts = factsOf(event);
  const occurredAt = new Date(event.occurredAt);
  const stored = await insertEvent(tx, {
    id: event.id,
    type: event.type,
    occurredAt,
    source: event.source,
    subject: event.subject,
    doctorId: facts.doctorId ?? null,
    specialty: facts.specialty ?? null,
    amountCents: facts.amountCents ?? null,
    currency: facts.currency ?? null,
    envelope: event,
  });
  if (stored && isCounted(event.type)) {
    await addToDailyCounts(tx, {
      day: occurredAt.toISOString().slice(0, 10),
      type: event.type,
      doctorId: facts.doctorId ?? null,
      specialty: facts.specialty ?? null,
      amountCents: facts.amountCents ?? 0,
    });
  }
  return stored;
}
