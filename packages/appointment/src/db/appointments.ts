import type { AppointmentStatus } from '@pms/contracts';
import { conflict, pgConstraint, pgErrorCode, pgErrorCodes } from '@pms/platform/domain';
import { and, asc, count, eq, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import { outboxInsertFrom, type OutboxRow } from '@pms/platform/db';
import type { Executor } from './database.js';
import { appointments, overlapConstraints, type AppointmentRow, type NewAppointmentRow } from './schema.js';

/**
 * Inserts one appointment and its outbox row in one statement (a data-modifying CTE): one round
 * trip, no BEGIN or COMMIT, and the event is written if and only if the row is. An overlap
 * refused by the database becomes a 409.
 */
export async function insertAppointmentWithEvent(
  db: Executor,
  values: NewAppointmentRow,
  event: OutboxRow,
): Promise<AppointmentRow> {
  const inserted = db.$with('inserted').as(db.insert(appointments).values(values).returning());
  const announced = db.$with('announced').as(outboxInsertFrom('inserted', event) as never);
  const [row] = await db.with(inserted, announced).select().from(inserted).catch(rethrowOverlap);
  if (!row) throw new Error('insert returned no row');
  return row;
}

/**
 * Every occurrence of a series and their events (one per row, keyed by its id) in one statement:
 * one overlap refuses them all, and no event is written without its row. The events keep their
 * order, so the outbox publishes them in the order of the occurrences, as before.
 */
export async function insertAppointmentsWithEvents(
  db: Executor,
  values: NewAppointmentRow[],
  events: OutboxRow[],
): Promise<AppointmentRow[]> {
  const inserted = db.$with('inserted').as(db.insert(appointments).values(values).returning());
  const announced = db.$with('announced').as(
    sql`insert into outbox (id, topic, key, type, payload, traceparent)
      select (e.event->>'id')::uuid, e.event->>'topic', e.event->>'key', e.event->>'type', e.event->'payload', e.event->>'traceparent'
      from jsonb_array_elements(${JSON.stringify(events)}::jsonb) with ordinality as e(event, n)
      where e.event->>'key' in (select id::text from inserted)
      order by e.n` as never,
  );
  return db.with(inserted, announced).select().from(inserted).orderBy(inserted.startsAt).catch(rethrowOverlap);
}

export interface PlannedRange {
  startsAt: Date;
  endsAt: Date;
  doctorBlockedFrom: Date;
  doctorBlockedUntil: Date;
}

/**
 * For each planned range (by index), whether an active appointment of the doctor (buffers
 * included) or of the patient already overlaps it: one statement for the whole series. A
 * read, so only for explaining a refusal; the exclusion constraints still decide at insert.
 */
export async function findBusyRanges(
  db: Executor,
  parties: { doctorId: string; patientId: string },
  planned: PlannedRange[],
): Promise<{ index: number; doctorBusy: boolean; patientBusy: boolean }[]> {
  if (planned.length === 0) return [];
  const rows = sql.join(
    planned.map(
      (range, index) =>
        sql`(${index}::int, ${range.startsAt.toISOString()}::timestamptz, ${range.endsAt.toISOString()}::timestamptz, ${range.doctorBlockedFrom.toISOString()}::timestamptz, ${range.doctorBlockedUntil.toISOString()}::timestamptz)`,
    ),
    sql`, `,
  );
  const result = await db.execute<{ index: number; doctor_busy: boolean; patient_busy: boolean }>(sql`
    select o.idx as index,
      exists (select 1 from ${appointments} a where a.doctor_id = ${parties.doctorId} and a.status in ('BOOKED', 'CHECKED_IN')
              and tstzrange(a.doctor_blocked_from, a.doctor_blocked_until) && tstzrange(o.bf, o.bu)) as doctor_busy,
      exists (select 1 from ${appointments} a where a.patient_id = ${parties.patientId} and a.status in ('BOOKED', 'CHECKED_IN')
              and tstzrange(a.starts_at, a.ends_at) && tstzrange(o.s, o.e)) as patient_busy
    from (values ${rows}) as o(idx, s, e, bf, bu)
    order by o.idx`);
  return [...result].map((row) => ({ index: row.index, doctorBusy: row.doctor_busy, patientBusy: row.patient_busy }));
}

export async function findSeries(db: Executor, seriesId: string): Promise<AppointmentRow[]> {
  return db.select().from(appointments).where(eq(appointments.seriesId, seriesId)).orderBy(asc(appointments.startsAt));
}

export async function findAppointment(db: Executor, id: string): Promise<AppointmentRow | undefined> {
  const [row] = await db.select().from(appointments).where(eq(appointments.id, id)).limit(1);
  return row;
}

export interface AppointmentFilter {
  patientId?: string;
  doctorId?: string;
  /** Appointments starting at or after. */
  from?: Date;
  /** Appointments starting before. */
  to?: Date;
  /** Any of these. */
  statuses?: readonly AppointmentStatus[];
}

export async function listAppointments(
  db: Executor,
  filter: AppointmentFilter,
  page: { limit: number; offset: number },
): Promise<{ rows: AppointmentRow[]; total: number }> {
  const where = whereOf(filter);
  const [rows, [counted]] = await Promise.all([
    db
      .select()
      .from(appointments)
      .where(where)
      .orderBy(asc(appointments.startsAt), asc(appointments.id))
      .limit(page.limit)
      .offset(page.offset),
    db.select({ total: count() }).from(appointments).where(where),
  ]);
  return { rows, total: counted?.total ?? 0 };
}

function whereOf(filter: AppointmentFilter): SQL | undefined {
  return and(
    filter.patientId ? eq(appointments.patientId, filter.patientId) : undefined,
    filter.doctorId ? eq(appointments.doctorId, filter.doctorId) : undefined,
    filter.from ? gte(appointments.startsAt, filter.from) : undefined,
    filter.to ? lt(appointments.startsAt, filter.to) : undefined,
    filter.statuses ? inArray(appointments.status, [...filter.statuses]) : undefined,
  );
}

export function rethrowOverlap(error: unknown): never {
  if (pgErrorCode(error) === pgErrorCodes.exclusionViolation) {
    const constraint = pgConstraint(error);
    if (constraint === 'appointments_patient_no_overlap') {
      throw conflict('The patient already has an appointment at that time', overlapConstraints[constraint]);
    }
    if (constraint === 'appointments_doctor_no_overlap') {
      throw conflict('The doctor already has an appointment at that time', overlapConstraints[constraint]);
    }
    if (constraint === 'resource_reservations_no_overlap') {
      throw conflict('A room or device of the appointment is booked at that time', overlapConstraints[constraint]);
    }
  }
  throw error;
}
