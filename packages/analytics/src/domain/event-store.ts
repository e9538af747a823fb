import type { TypedEvent } from '@pms/contracts';
import { addToDailyCounts, countedTypes, insertEvents, type CountedType, type DailyFact, type Executor } from '../db/event-store.js';
import type { StoredEventRow } from '../db/schema.js';

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

function storedRowOf(event: TypedEvent): StoredEventRow {
  const facts = factsOf(event);
  return {
    id: event.id,
    type: event.type,
    occurredAt: new Date(event.occurredAt),
    source: event.source,
    subject: event.subject,
    doctorId: facts.doctorId ?? null,
    specialty: facts.specialty ?? null,
    amountCents: facts.amountCents ?? null,
    currency: facts.currency ?? null,
    envelope: event,
  };
}

/** The counted rows summed per day, type, doctor and specialty: one upsert row (and one row lock) each. */
function dailyFactsOf(rows: StoredEventRow[]): DailyFact[] {
  const byKey = new Map<string, DailyFact>();
  for (const row of rows) {
    if (!isCounted(row.type)) continue;
    const day = row.occurredAt.toISOString().slice(0, 10);
    const key = `${day}|${row.type}|${row.doctorId}|${row.specialty}`;
    const fact = byKey.get(key) ?? { day, type: row.type, doctorId: row.doctorId ?? null, specialty: row.specialty ?? null, events: 0, amountCents: 0 };
    fact.events += 1;
    fact.amountCents += row.amountCents ?? 0;
    byKey.set(key, fact);
  }
  return [...byKey.values()];
}

/**
 * Adds events to the event store and the counted ones to their UTC day's totals, in the
 * consumer's transaction: two statements however many events. The store is keyed by the event
 * id: an event already stored (a redelivery processed_events did not catch) never counts twice.
 */
export async function recordEvents(tx: Executor, events: TypedEvent[]): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map(storedRowOf);
  const stored = new Set(await insertEvents(tx, rows));
  const facts = dailyFactsOf(rows.filter((row) => stored.has(row.id)));
  if (facts.length > 0) await addToDailyCounts(tx, facts);
}
