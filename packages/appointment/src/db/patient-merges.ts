import { beginPatientMerge, lockPatientsForMerge } from '@pms/platform/db';
import { pgErrorCode, pgErrorCodes } from '@pms/platform/domain';
import { sql } from 'drizzle-orm';
import type { Executor } from './database.js';

/** Active appointments of the two patients that overlap: what a merge would put in one place at once. */
export interface Clash {
  duplicateAppointmentId: string;
  survivorAppointmentId: string;
  startsAt: string;
  endsAt: string;
}

const clashesOf = (db: Executor, survivorId: string, duplicateId: string) =>
  db.execute<{ duplicate_appointment_id: string; survivor_appointment_id: string; starts_at: string; ends_at: string }>(sql`
    select d.id as duplicate_appointment_id, s.id as survivor_appointment_id,
      to_char(d.starts_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as starts_at,
      to_char(d.ends_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as ends_at
    from appointments d join appointments s
      on s.patient_id = ${survivorId} and tstzrange(s.starts_at, s.ends_at) && tstzrange(d.starts_at, d.ends_at)
      and s.status in ('BOOKED', 'CHECKED_IN')
    where d.patient_id = ${duplicateId} and d.status in ('BOOKED', 'CHECKED_IN')
    order by d.starts_at`);

export type MoveOutcome = { moved: number } | { clashes: Clash[] };

/**
 * In the caller's transaction: records the merge (bookings of the duplicate wait on its lock, then
 * land on the survivor), then moves the duplicate's appointments and waitlist entries. The
 * survivor's lock is held too, so neither patient gains a booking between the overlap check and
 * the move; the exclusion constraint still judges the move itself. Clashes: nothing moved.
 */
export async function moveAppointments(tx: Executor, survivorId: string, duplicateId: string): Promise<MoveOutcome> {
  await lockPatientsForMerge(tx, [survivorId, duplicateId]);
  const clashes = await clashesOf(tx, survivorId, duplicateId);
  if (clashes.length > 0) return { clashes: clashes.map(toClash) };
  await beginPatientMerge(tx, { duplicatePatientId: duplicateId, survivorPatientId: survivorId });
  const moved = await tx.execute(sql`
    update appointments set patient_id = ${survivorId}, version = version + 1, updated_at = now()
    where patient_id = ${duplicateId} returning id`);
  await tx.execute(sql`update waitlist_entries set patient_id = ${survivorId} where patient_id = ${duplicateId}`);
  return { moved: moved.length };
}

const toClash = (row: { duplicate_appointment_id: string; survivor_appointment_id: string; starts_at: string; ends_at: string }): Clash => ({
  duplicateAppointmentId: row.duplicate_appointment_id,
  survivorAppointmentId: row.survivor_appointment_id,
  startsAt: row.starts_at,
  endsAt: row.ends_at,
});

/** The overlaps the exclusion constraint found when a booking slipped in anyway (read after the rollback). */
export async function clashesAfterRefusal(db: Executor, error: unknown, survivorId: string, duplicateId: string): Promise<Clash[] | undefined> {
  if (pgErrorCode(error) !== pgErrorCodes.exclusionViolation) return undefined;
  return (await clashesOf(db, survivorId, duplicateId)).map(toClash);
}
