import { and, asc, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import type { Executor } from './database.js';
import { bookedSlots, type HeldResource } from './schema.js';

export interface BookedSlot {
  appointmentId: string;
  doctorId: string;
  startsAt: Date;
  endsAt: Date;
  resources: HeldResource[];
  resourceIds: string[];
}

/**
 * Adds or moves the appointments' slots, in one statement (at most one slot per appointment);
 * a released (cancelled) appointment stays released.
 */
export async function upsertBookedSlots(db: Executor, slots: BookedSlot[]): Promise<void> {
  if (slots.length === 0) return;
  await db
    .insert(bookedSlots)
    .values(slots)
    .onConflictDoUpdate({
      target: bookedSlots.appointmentId,
      set: {
        doctorId: sql`excluded.doctor_id`,
        startsAt: sql`excluded.starts_at`,
        endsAt: sql`excluded.ends_at`,
        resources: sql`excluded.resources`,
        resourceIds: sql`excluded.resource_ids`,
        updatedAt: sql`now()`,
      },
      setWhere: isNull(bookedSlots.releasedAt),
    });
}

/** Frees the slot; the row stays as a tombstone (see schema.ts). */
/** Frees the slots for good (cancelled, no-show), many in one statement; each appointment at most once. */
export async function releaseBookedSlots(db: Executor, slots: BookedSlot[]): Promise<void> {
  if (slots.length === 0) return;
  await db
    .insert(bookedSlots)
    .values(slots.map((slot) => ({ ...slot, releasedAt: sql`now()` })))
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
