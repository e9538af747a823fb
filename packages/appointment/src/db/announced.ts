import type { AppointmentStatus } from '@pms/contracts';
import { isoInstantSql, outboxInsertFrom } from '@pms/platform/db';
import { and, eq, gte, inArray, sql } from 'drizzle-orm';
import { rethrowOverlap } from './appointments.js';
import type { Executor } from './database.js';
import { newEnvelope, outboxInsertEach } from './outbox.js';
import { appointments, type AppointmentRow, type NewAppointmentRow } from './schema.js';

// A change of an appointment and its event in ONE statement (a data-modifying CTE): one round
// trip, no BEGIN or COMMIT, and the event is written if and only if the row changes. The event's
// data is built by the statement from the row it updated, not in JS from the row read before:
// the guard stays "the status is still one of …" exactly as with the former transaction, and
// whatever else changed meanwhile (a reschedule racing a cancellation moves the times and the
// patient and doctor snapshot while the status stays BOOKED), the event describes the row as
// this statement left it, as the former `snapshotOf(<row the UPDATE returned>)` did. Building it
// in JS from the row read for authorization would need the UPDATE guarded by every column the
// snapshot reads (or a row version, which the millisecond Date of updated_at is not), and would
// turn a cancellation racing a reschedule into a 409 it never was. The cost: the catalog does not
// validate this data before the write, as newOutboxEntry does; test/transition-events.test.ts
// holds the SQL to snapshotOf and to the contract, and consumers validate every event they read.

/** snapshotOf (domain/views.ts) in SQL, over the columns of `source`; the two must build the same object. */
const snapshotSql = (source: string) => `jsonb_build_object(
  'appointmentId', ${source}.id, 'patientId', ${source}.patient_id, 'doctorId', ${source}.doctor_id,
  'startsAt', ${isoInstantSql(`${source}.starts_at`)}, 'endsAt', ${isoInstantSql(`${source}.ends_at`)},
  'durationMinutes', ${source}.duration_minutes, 'reason', ${source}.reason,
  'patient', jsonb_build_object('name', ${source}.patient_name, 'email', ${source}.patient_email),
  'doctor', jsonb_build_object('name', ${source}.doctor_name, 'specialty', ${source}.doctor_specialty, 'timeZone', ${source}.doctor_time_zone),
  'appointmentTypeId', ${source}.appointment_type_id, 'seriesId', ${source}.series_id,
  'bufferBeforeMinutes', ${source}.buffer_before_minutes, 'bufferAfterMinutes', ${source}.buffer_after_minutes,
  'priceCents', ${source}.price_cents, 'locationId', ${source}.location_id, 'resources', ${source}.resources)`;

const cancelledSql = (source: string) =>
  `${snapshotSql(source)} || jsonb_build_object('cancellationReason', ${source}.cancellation_reason, 'cancelledBy', coalesce(${source}.cancelled_by, ''))`;

/** Each status change's event and what it adds to the snapshot (as transitions.ts did in JS). */
const statusEvents = {
  AppointmentCompleted: snapshotSql('u'),
  AppointmentNoShow: snapshotSql('u'),
  AppointmentCancelled: cancelledSql('u'),
} as const;
export type StatusEvent = keyof typeof statusEvents;

/** What every change of a row sets besides its own columns: the time and the next version (FHIR's versionId). */
const changed = { updatedAt: sql`now()`, version: sql`${appointments.version} + 1` };

/** The If-Match guard of a FHIR update: the row is changed only while it is still that version. */
const versionIs = (expected: number | undefined) => (expected === undefined ? undefined : eq(appointments.version, expected));

/**
 * Changes the row only if its status is still one of `from` (and, given one, its version is still
 * `expectedVersion`), and writes `event` (if any) about the changed row, in one statement: of two
 * concurrent transitions the second finds the status changed and neither updates nor announces
 * anything. Undefined when nothing matched.
 */
export async function updateStatusAnnounced(
  db: Executor,
  id: string,
  from: readonly AppointmentStatus[],
  changes: Partial<NewAppointmentRow> & { status: AppointmentStatus },
  event: { type: StatusEvent; requestId: string } | undefined,
  expectedVersion?: number,
): Promise<AppointmentRow | undefined> {
  const update = db
    .update(appointments)
    .set({ ...changes, ...changed })
    .where(and(eq(appointments.id, id), inArray(appointments.status, [...from]), versionIs(expectedVersion)))
    .returning();
  const u = db.$with('u').as(update);
  if (!event) return first(db.with(u).select().from(u));
  const entry = newEnvelope(event.type, id, event.requestId);
  const o = db.$with('o').as(outboxInsertFrom('u', entry, sql.raw(statusEvents[event.type])) as never);
  return first(db.with(u, o).select().from(u));
}

const first = async (rows: Promise<AppointmentRow[]>) => (await rows.catch(rethrowOverlap))[0];


/**
 * Moves a BOOKED appointment and writes its AppointmentRescheduled event, in one statement. `prev`
 * locks the row (FOR UPDATE, as the former transaction's first statement did) and the update
 * only touches the row `prev` returned, so `prev` runs first: if another change of the row
 * committed meanwhile, the lock waits for it and reads its result, so the previous times in the
 * event are the ones this update replaces. Undefined when the row is gone, no longer BOOKED, or
 * (given `expectedVersion`) changed since.
 */
export async function rescheduleAnnounced(
  db: Executor,
  id: string,
  changes: Partial<NewAppointmentRow>,
  requestId: string,
  expectedVersion?: number,
): Promise<AppointmentRow | undefined> {
  const prev = db.$with('prev').as(sql`select id, starts_at, ends_at from appointments where id = ${id} for update` as never);
  const u = db.$with('u').as(
    db
      .update(appointments)
      .set({ ...changes, ...changed })
      .where(
        and(eq(appointments.id, id), eq(appointments.status, 'BOOKED'), versionIs(expectedVersion), sql`${appointments.id} in (select id from prev)`),
      )
      .returning(),
  );
  const moved = db.$with('moved').as(
    sql`select u.*, prev.starts_at as previous_starts_at, prev.ends_at as previous_ends_at from u join prev on prev.id = u.id` as never,
  );
  const data = `${snapshotSql('moved')} || jsonb_build_object('previousStartsAt', ${isoInstantSql('moved.previous_starts_at')}, 'previousEndsAt', ${isoInstantSql('moved.previous_ends_at')})`;
  const o = db.$with('o').as(outboxInsertFrom('moved', newEnvelope('AppointmentRescheduled', id, requestId), sql.raw(data)) as never);
  return first(db.with(prev, u, moved, o).select().from(u));
}

/**
 * Cancels the series' BOOKED occurrences starting at or after `from`, each with its
 * AppointmentCancelled event (built from the cancelled row), in one statement.
 */
export async function cancelSeriesAnnounced(
  db: Executor,
  seriesId: string,
  from: Date,
  changes: { cancellationReason: string | null; cancelledBy: string },
  requestId: string,
): Promise<AppointmentRow[]> {
  const u = db.$with('u').as(
    db
      .update(appointments)
      .set({ ...changes, status: 'CANCELLED', ...changed })
      .where(and(eq(appointments.seriesId, seriesId), eq(appointments.status, 'BOOKED'), gte(appointments.startsAt, from)))
      .returning(),
  );
  const o = db.$with('o').as(outboxInsertEach('u', 'AppointmentCancelled', requestId, cancelledSql) as never);
  return db.with(u, o).select().from(u);
}
