import type { AppointmentStatus, BookedResource, ResourceRequirement, Specialty, WaitlistStatus } from '@pms/contracts';
import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * One row per appointment. The patient and doctor fields are a snapshot taken from patient
 * and doctor at booking (refreshed on reschedule), so every later event can carry them
 * without calling those services again.
 *
 * Overlaps are refused by two exclusion constraints that drizzle cannot express; they live
 * in the custom migrations 0001_no_overlaps.sql and 0002_scheduling.sql (see
 * `overlapConstraints`): the doctor's range includes the type's buffers, the patient's does not.
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
    appointmentTypeId: uuid('appointment_type_id'),
    seriesId: uuid('series_id'),
    bufferBeforeMinutes: integer('buffer_before_minutes').notNull().default(0),
    bufferAfterMinutes: integer('buffer_after_minutes').notNull().default(0),
    /** The type's price at booking; null bills by specialty and duration. */
    priceCents: integer('price_cents'),
    /**
     * [startsAt - bufferBefore, endsAt + bufferAfter): the doctor's time this appointment takes.
     * Stored (not computed by the constraint) because timestamptz arithmetic is not immutable.
     */
    doctorBlockedFrom: timestamp('doctor_blocked_from', { withTimezone: true }).notNull(),
    doctorBlockedUntil: timestamp('doctor_blocked_until', { withTimezone: true }).notNull(),
    /** Where the visit is held (null: the default location). */
    locationId: uuid('location_id'),
    /**
     * The rooms and devices it holds. Migration 0010_resources.sql's trigger keeps their rows in
     * resource_reservations (for the doctor's blocked range) while the appointment is active.
     */
    resources: jsonb('resources').$type<BookedResource[]>().notNull().default([]),
    /** Bumped by every change (db/announced.ts): FHIR's meta.versionId, which If-Match compares. */
    version: integer('version').notNull().default(1),
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
    index('appointments_series_idx').on(table.seriesId).where(sql`${table.seriesId} is not null`),
  ],
);

export type AppointmentRow = typeof appointments.$inferSelect;
export type NewAppointmentRow = typeof appointments.$inferInsert;

/** The exclusion constraints of 0001_no_overlaps.sql, and what their violation means. */
export const overlapConstraints = {
  appointments_doctor_no_overlap: 'SLOT_TAKEN',
  appointments_patient_no_overlap: 'PATIENT_BUSY',
  resource_reservations_no_overlap: 'RESOURCE_TAKEN',
} as const;

/**
 * One row per resource unit an active appointment holds, written only by the trigger of
 * 0010_resources.sql; its exclusion constraint (resource, unit, blocked range) is what makes
 * a room or device impossible to double-book.
 */
export const resourceReservations = pgTable(
  'resource_reservations',
  {
    appointmentId: uuid('appointment_id').notNull(),
    resourceId: uuid('resource_id').notNull(),
    unit: integer('unit').notNull(),
    blockedFrom: timestamp('blocked_from', { withTimezone: true }).notNull(),
    blockedUntil: timestamp('blocked_until', { withTimezone: true }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.appointmentId, table.resourceId, table.unit] })],
);

export const appointmentTypes = pgTable(
  'appointment_types',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    durationMinutes: integer('duration_minutes').notNull(),
    bufferBeforeMinutes: integer('buffer_before_minutes').notNull().default(0),
    bufferAfterMinutes: integer('buffer_after_minutes').notNull().default(0),
    priceCents: integer('price_cents'),
    specialty: text('specialty').$type<Specialty>(),
    active: boolean('active').notNull().default(true),
    requiredResources: jsonb('required_resources').$type<ResourceRequirement[]>().notNull().default([]),
    /** Deleted types stay for the appointments that name them, hidden from lists. */
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    check('appointment_types_minutes_check', sql`${table.durationMinutes} > 0 and ${table.bufferBeforeMinutes} >= 0 and ${table.bufferAfterMinutes} >= 0`),
  ],
);
export type AppointmentTypeRow = typeof appointmentTypes.$inferSelect;

/** One row (id 1) once an admin set the policy; the contract's defaults before. */
export const schedulingPolicy = pgTable(
  'scheduling_policy',
  {
    id: smallint('id').primaryKey().default(1),
    minimumNoticeMinutes: integer('minimum_notice_minutes').notNull(),
    maxAdvanceDays: integer('max_advance_days').notNull(),
    patientCancelCutoffHours: integer('patient_cancel_cutoff_hours').notNull(),
    patientRescheduleCutoffHours: integer('patient_reschedule_cutoff_hours').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [check('scheduling_policy_single_row', sql`${table.id} = 1`)],
);

/**
 * Patients waiting for a slot of one doctor in [windowFrom, windowTo). A freed slot goes to the
 * earliest WAITING entry it fits (OFFERED until offerExpiresAt), then to the next.
 */
export const waitlistEntries = pgTable(
  'waitlist_entries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    patientId: uuid('patient_id').notNull(),
    doctorId: uuid('doctor_id').notNull(),
    windowFrom: timestamp('window_from', { withTimezone: true }).notNull(),
    windowTo: timestamp('window_to', { withTimezone: true }).notNull(),
    appointmentTypeId: uuid('appointment_type_id'),
    /** From the type at joining; null duration: whatever length the freed slot has. */
    durationMinutes: integer('duration_minutes'),
    bufferBeforeMinutes: integer('buffer_before_minutes').notNull().default(0),
    bufferAfterMinutes: integer('buffer_after_minutes').notNull().default(0),
    status: text('status').$type<WaitlistStatus>().notNull().default('WAITING'),
    patientName: text('patient_name').notNull(),
    patientEmail: text('patient_email').notNull(),
    doctorName: text('doctor_name').notNull(),
    doctorSpecialty: text('doctor_specialty').$type<Specialty>().notNull(),
    doctorTimeZone: text('doctor_time_zone').notNull(),
    offeredStartsAt: timestamp('offered_starts_at', { withTimezone: true }),
    offeredEndsAt: timestamp('offered_ends_at', { withTimezone: true }),
    offerExpiresAt: timestamp('offer_expires_at', { withTimezone: true }),
    appointmentId: uuid('appointment_id'),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    check('waitlist_status_check', sql`${table.status} in ('WAITING', 'OFFERED', 'BOOKED', 'EXPIRED')`),
    check('waitlist_window_check', sql`${table.windowFrom} < ${table.windowTo}`),
    index('waitlist_doctor_status_idx').on(table.doctorId, table.status, table.createdAt),
    index('waitlist_patient_idx').on(table.patientId, table.doctorId),
    index('waitlist_offer_expiry_idx').on(table.offerExpiresAt).where(sql`${table.status} = 'OFFERED'`),
  ],
);
export type WaitlistRow = typeof waitlistEntries.$inferSelect;
