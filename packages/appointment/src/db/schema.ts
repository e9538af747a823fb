import type { AppointmentStatus, Specialty } from '@pms/contracts';
import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * One row per appointment. The patient and doctor fields are a snapshot taken from patient
 * and doctor at booking (refreshed on reschedule), so every later event can carry them
 * without calling those services again.
 *
 * Overlaps are refused by two exclusion constraints that drizzle cannot express; they live
 * in the custom migration 0001_no_overlaps.sql (see `overlapConstraints`).
 */
export const appointments = pgTable(
  'appointments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    patientId: uuid('patient_id').notNull(),
    doctorId: uuid('doctor_id').notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    durationMinutes: integer('duration_minutes').notNull(),
    status: text('status').$type<AppointmentStatus>().notNull().default('BOOKED'),
    reason: text('reason'),
    cancellationReason: text('cancellation_reason'),
    /** User id of whoever cancelled. */
    cancelledBy: text('cancelled_by'),
    /** User id of whoever booked. */
    bookedBy: text('booked_by').notNull(),
    patientName: text('patient_name').notNull(),
    patientEmail: text('patient_email').notNull(),
    doctorName: text('doctor_name').notNull(),
    doctorSpecialty: text('doctor_specialty').$type<Specialty>().notNull(),
    doctorTimeZone: text('doctor_time_zone').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    check(
      'appointments_status_check',
      sql`${table.status} in ('BOOKED', 'CHECKED_IN', 'COMPLETED', 'CANCELLED', 'NO_SHOW')`,
    ),
    check('appointments_range_check', sql`${table.endsAt} > ${table.startsAt}`),
    // Lists filter by patient or doctor and page in time order.
    index('appointments_patient_starts_idx').on(table.patientId, table.startsAt),
    index('appointments_doctor_starts_idx').on(table.doctorId, table.startsAt),
    index('appointments_starts_idx').on(table.startsAt),
  ],
);

export type AppointmentRow = typeof appointments.$inferSelect;
export type NewAppointmentRow = typeof appointments.$inferInsert;

/** The exclusion constraints of 0001_no_overlaps.sql, and what their violation means. */
export const overlapConstraints = {
  appointments_doctor_no_overlap: 'SLOT_TAKEN',
  appointments_patient_no_overlap: 'PATIENT_BUSY',
} as const;
