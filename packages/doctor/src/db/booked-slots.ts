import { and, asc, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import type { Executor } from './database.js';
import { bookedSlots } from './schema.js';

export interface BookedSlot {
  appointmentId: string;
  doctorId: string;
  startsAt: Date;
  endsAt: Date;
}

/** Adds or moves the appointment's slot; a released (cancelled) appointment stays released. */
export async function upsertBookedSlot(db: Executor, slot: BookedSlot): Promise<void> {
  await db
    .insert(bookedSlots)
    .values(slot)
    .onConflictDoUpdate({
      target: bookedSlots.appointmentId,
      set: { doctorId: slot.doctorId, startsAt: slot.startsAt, endsAt: slot.endsAt, updatedAt: sql`now()` },
      setWhere: isNull(bookedSlots.releasedAt),
    });
}

/** Frees the slot; the row stays as a tombstone (see schema.ts). */
export async function releaseBookedSlot(db: Executor, slot: BookedSlot): Promise<void> {
  await db
    .insert(bookedSlots)
    .values({ ...slot, releasedAt: sql`now()` })
    .onConflictDoUpdate({
      target: bookedSlots.appointmentId,
      set: { releasedAt: sql`coalesce(${bookedSlots.releasedAt}, now())`, updatedAt: sql`now()` },
    });
}

/** Booked periods of the doctor overlapping [from, to), earliest first. */
export async function listBookedPeriods(db: Executor, doctorId: string, from: Date, to: Date): Promise<{ startsAt: Date; endsAt: Date }[]> {
  return db
    .select({ startsAt: bookedSlots.startsAt, endsAt: bookedSlots.endsAt })
    .from(bookedSlots)
    .where(and(eq(bookedSlots.doctorId, doctorId), isNull(bookedSlots.releasedAt), gt(bookedSlots.endsAt, from), lt(bookedSlots.startsAt, to)))
    .orderBy(asc(bookedSlots.startsAt));
}
