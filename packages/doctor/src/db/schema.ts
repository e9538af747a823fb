import { specialties } from '@pms/contracts';
import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const specialty = pgEnum('specialty', specialties);

/** One block of weekly working hours, in the doctor's time zone (weekday 1 = Monday … 7 = Sunday). */
export interface WorkingHoursRow {
  weekday: number;
  start: string;
  end: string;
  /** The block's location (none: the default location, in the doctor's time zone). */
  locationId?: string;
  /** That location's time zone, kept here so CheckAvailability still reads one row (locations.ts rewrites it). */
  timeZone?: string;
}

/** A room or device an appointment holds: `unit` of a resource that takes several visits at once. */
export interface HeldResource {
  resourceId: string;
  unit: number;
}

export interface RequirementRow {
  category: 'ROOM' | 'EQUIPMENT';
  kind: string;
}

/**
 * A doctor and their weekly schedule in one row: CheckAvailability, called on every booking,
 * reads everything it needs (plus a time-off probe) in a single indexed query.
 */
export const doctors = pgTable(
  'doctors',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    /** Stored lower-cased; the unique index on lower(email) guards against any other writer. */
    email: text('email').notNull(),
    phone: text('phone'),
    specialty: specialty('specialty').notNull(),
    active: boolean('active').notNull().default(true),
    timeZone: text('time_zone').notNull().default('UTC'),
    slotMinutes: integer('slot_minutes').notNull().default(30),
    workingHours: jsonb('working_hours').$type<WorkingHoursRow[]>().notNull().default([]),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('doctors_email_lower_key').on(sql`lower(${table.email})`),
    index('doctors_name_idx').on(table.name, table.id),
    check('doctors_slot_minutes_check', sql`${table.slotMinutes} between 5 and 240`),
  ],
);

export const timeOff = pgTable(
  'time_off',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    doctorId: uuid('doctor_id')
      .notNull()
      .references(() => doctors.id, { onDelete: 'cascade' }),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    reason: text('reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // Overlap probes ask "ends after the window starts": past time off drops out of the index range.
  (table) => [
    index('time_off_doctor_ends_idx').on(table.doctorId, table.endsAt),
    check('time_off_period_check', sql`${table.startsAt} < ${table.endsAt}`),
  ],
);

/**
 * The booked-slot view, fed by appointment-events. No foreign key to doctors: the view mirrors
 * another service's data and must accept whatever that service booked. A released row stays as
 * a tombstone, so a late or replayed booking of a cancelled appointment cannot resurrect it.
 */
export const bookedSlots = pgTable(
  'booked_slots',
  {
    appointmentId: uuid('appointment_id').primaryKey(),
    doctorId: uuid('doctor_id').notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    releasedAt: timestamp('released_at', { withTimezone: true }),
    /** The rooms and devices the appointment holds for this (buffered) period. */
    resources: jsonb('resources').$type<HeldResource[]>().notNull().default([]),
    /** Their ids, for the GIN index that finds a resource's bookings. */
    resourceIds: uuid('resource_ids').array().notNull().default(sql`'{}'`),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index('booked_slots_doctor_ends_idx').on(table.doctorId, table.endsAt).where(sql`${table.releasedAt} is null`),
    check('booked_slots_period_check', sql`${table.startsAt} < ${table.endsAt}`),
  ],
);

export type DoctorRow = typeof doctors.$inferSelect;
export type TimeOffRow = typeof timeOff.$inferSelect;

/**
 * appointment's appointment types, as its AppointmentTypeChanged events describe them (a read
 * model: appointment owns types; availability needs their length and buffers).
 */
export const appointmentTypes = pgTable('appointment_types', {
  id: uuid('id').primaryKey(),
  durationMinutes: integer('duration_minutes').notNull(),
  bufferBeforeMinutes: integer('buffer_before_minutes').notNull(),
  bufferAfterMinutes: integer('buffer_after_minutes').notNull(),
  specialty: specialty('specialty'),
  active: boolean('active').notNull(),
  deleted: boolean('deleted').notNull(),
  requiredResources: jsonb('required_resources').$type<RequirementRow[]>().notNull().default([]),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
export type AppointmentTypeRow = typeof appointmentTypes.$inferSelect;

/** appointment's booking policy (SchedulingPolicyChanged): availability shown to patients honours it. */
export const schedulingPolicy = pgTable(
  'scheduling_policy',
  {
    id: integer('id').primaryKey().default(1),
    minimumNoticeMinutes: integer('minimum_notice_minutes').notNull(),
    maxAdvanceDays: integer('max_advance_days').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [check('scheduling_policy_single_row', sql`${table.id} = 1`)],
);

/** A clinic site; its time zone is the one of every working-hours block held there. */
export const locations = pgTable('locations', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  address: text('address'),
  timeZone: text('time_zone').notNull(),
  openingHours: jsonb('opening_hours').$type<WorkingHoursRow[]>().notNull().default([]),
  isDefault: boolean('is_default').notNull().default(false),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
export type LocationRow = typeof locations.$inferSelect;

/** Rooms (always at a location) and equipment (at one, or movable: no location). */
export const resources = pgTable(
  'resources',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    category: text('category').$type<'ROOM' | 'EQUIPMENT'>().notNull(),
    name: text('name').notNull(),
    kind: text('kind').notNull(),
    locationId: uuid('location_id').references(() => locations.id),
    capacity: integer('capacity').notNull().default(1),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('resources_kind_idx').on(table.category, table.kind, table.locationId)],
);
export type ResourceRow = typeof resources.$inferSelect;

/** Maintenance and other periods a room or device cannot be booked. */
export const resourceTimeOff = pgTable(
  'resource_time_off',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    resourceId: uuid('resource_id')
      .notNull()
      .references(() => resources.id, { onDelete: 'cascade' }),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    reason: text('reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('resource_time_off_resource_ends_idx').on(table.resourceId, table.endsAt)],
);
export type ResourceTimeOffRow = typeof resourceTimeOff.$inferSelect;
