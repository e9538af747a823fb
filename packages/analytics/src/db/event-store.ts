import type { Executor } from '@pms/platform';
import { sql } from 'drizzle-orm';
import { dailyCounts, eventStore, type StoredEventRow } from './schema.js';

export type { Executor };

/** Stores the events; the ids of those not stored before. */
export async function insertEvents(db: Executor, rows: StoredEventRow[]): Promise<string[]> {
  const inserted = await db.insert(eventStore).values(rows).onConflictDoNothing().returning({ id: eventStore.id });
  return inserted.map((row) => row.id);
}

/** The event types the summary counts; everything else is stored but not aggregated. */
export const countedTypes = [
  'PatientCreated',
  'AppointmentBooked',
  'AppointmentCancelled',
  'AppointmentCompleted',
  'AppointmentNoShow',
  'InvoiceGenerated',
  'InvoicePaid',
] as const;
export type CountedType = (typeof countedTypes)[number];

export interface DailyFact {
  /** UTC day, YYYY-MM-DD. */
  day: string;
  type: CountedType;
  doctorId: string | null;
  specialty: string | null;
  events: number;
  amountCents: number;
}

/** Adds the facts to their days' rows; at most one fact per row (an upsert touches a row once). */
export async function addToDailyCounts(db: Executor, facts: DailyFact[]): Promise<void> {
  await db
    .insert(dailyCounts)
    .values(facts)
    .onConflictDoUpdate({
      target: [dailyCounts.day, dailyCounts.type, dailyCounts.doctorId, dailyCounts.specialty],
      set: {
        events: sql`${dailyCounts.events} + excluded.events`,
        amountCents: sql`${dailyCounts.amountCents} + excluded.amount_cents`,
      },
    });
}

/** Which grouping a summary row belongs to: GROUPING(day, doctor_id, specialty), 1 = not grouped by. */
export const summaryLevel = { total: 0b111, day: 0b011, doctor: 0b101, specialty: 0b110 } as const;

export interface SummaryRow extends Record<string, unknown> {
  level: number;
  day: string | null;
  doctor_id: string | null;
  specialty: string | null;
  patients_registered: number;
  appointments_booked: number;
  appointments_cancelled: number;
  appointments_completed: number;
  appointments_no_show: number;
  /** bigint sums arrive as strings. */
  revenue_invoiced_cents: string;
  revenue_paid_cents: string;
}

const dayMs = 86_400_000;

/**
 * Totals, per UTC day, per doctor and per specialty of the counted events that occurred in
 * [from, to). Whole UTC days come from daily_counts; the partial days at either end of the
 * window from the event store's occurred_at index.
 */
export async function summarize(db: Executor, from: Date, to: Date): Promise<SummaryRow[]> {
  let wholeFrom = Math.ceil(from.getTime() / dayMs) * dayMs;
  let wholeTo = Math.floor(to.getTime() / dayMs) * dayMs;
  // No whole day inside: everything comes from the event store.
  if (wholeFrom >= wholeTo) wholeFrom = wholeTo = from.getTime();
  const iso = (ms: number) => new Date(ms).toISOString();
  const types = sql.join(
    countedTypes.map((type) => sql`${type}`),
    sql`, `,
  );
  const total = (type: CountedType) => sql`coalesce(sum(events) filter (where type = ${type}), 0)::int`;
  return db.execute<SummaryRow>(sql`
    with facts as (
      select day, type, doctor_id, specialty, events, amount_cents
        from ${dailyCounts}
       where day >= ${iso(wholeFrom).slice(0, 10)}::date and day < ${iso(wholeTo).slice(0, 10)}::date
      union all
      select (occurred_at at time zone 'UTC')::date, type, doctor_id, specialty, 1, coalesce(amount_cents, 0)
        from ${eventStore}
       where type in (${types})
         and (   (occurred_at >= ${from.toISOString()}::timestamptz and occurred_at < ${iso(wholeFrom)}::timestamptz)
              or (occurred_at >= ${iso(wholeTo)}::timestamptz and occurred_at < ${to.toISOString()}::timestamptz))
    )
    select grouping(day, doctor_id, specialty)::int as level,
           to_char(day, 'YYYY-MM-DD') as day,
           doctor_id::text as doctor_id,
           specialty,
           ${total('PatientCreated')} as patients_registered,
           ${total('AppointmentBooked')} as appointments_booked,
           ${total('AppointmentCancelled')} as appointments_cancelled,
           ${total('AppointmentCompleted')} as appointments_completed,
           ${total('AppointmentNoShow')} as appointments_no_show,
           coalesce(sum(amount_cents) filter (where type = 'InvoiceGenerated'), 0)::text as revenue_invoiced_cents,
           coalesce(sum(amount_cents) filter (where type = 'InvoicePaid'), 0)::text as revenue_paid_cents
      from facts
     group by grouping sets ((), (day), (doctor_id), (specialty))
     order by level, day, doctor_id, specialty
  `);
}
