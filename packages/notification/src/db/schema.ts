import type { EventData } from '@pms/contracts';
import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgEnum, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';

export const notificationChannel = pgEnum('notification_channel', ['EMAIL', 'SMS']);
export const notificationStatus = pgEnum('notification_status', ['PENDING', 'SENT', 'FAILED']);

/**
 * The notification log and the delivery queue in one: a row is written (PENDING) in the same
 * transaction that consumes the event, and the delivery worker sends it after commit.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** An email address or a phone number, depending on the channel. */
    recipient: text('recipient').notNull(),
    channel: notificationChannel('channel').notNull(),
    /** The event type that caused it (e.g. AppointmentBooked), or ManualEmail. */
    type: text('type').notNull(),
    eventId: uuid('event_id'),
    /** The patient the message is about (the event's patientId; null for account emails and manual ones): FHIR Communication.subject. */
    patientId: uuid('patient_id'),
    subject: text('subject'),
    bodyText: text('body_text').notNull(),
    bodyHtml: text('body_html'),
    status: notificationStatus('status').notNull().default('PENDING'),
    error: text('error'),
    attempts: integer('attempts').notNull().default(0),
    /** When the worker may (re)try; null once sent or given up. */
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).defaultNow(),
    /** A worker is sending it until then; a crashed worker's claim expires. */
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    /** The user who sent a manual email. */
    requestedBy: uuid('requested_by'),
    /**
     * clock_timestamp(), not now(): rows written by one consumer batch share a transaction, and the
     * log must still show them in the order the events were applied.
     */
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`clock_timestamp()`),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (table) => [
    // One event never produces two messages to one recipient on one channel (manual emails have no event).
    unique('notifications_event_channel_recipient_key').on(table.eventId, table.channel, table.recipient),
    index('notifications_due_idx').on(table.nextAttemptAt).where(sql`${table.nextAttemptAt} is not null`),
    index('notifications_recipient_idx').on(sql`lower(${table.recipient})`, table.createdAt),
    index('notifications_type_idx').on(table.type, table.createdAt),
    index('notifications_created_idx').on(table.createdAt),
    index('notifications_patient_idx').on(table.patientId, table.createdAt).where(sql`${table.patientId} is not null`),
  ],
);

export type NotificationRow = typeof notifications.$inferSelect;
export type NewNotificationRow = typeof notifications.$inferInsert;

/**
 * What notification knows of each patient's contact details and consent, kept from
 * patient-events (PatientCreated/Updated/Deleted). Reminders read it when they go out, so a
 * consent withdrawn after booking is honoured.
 */
export const patientContacts = pgTable('patient_contacts', {
  patientId: uuid('patient_id').primaryKey(),
  email: text('email').notNull(),
  phone: text('phone'),
  emailAllowed: boolean('email_allowed').notNull(),
  smsAllowed: boolean('sms_allowed').notNull(),
  /** The patient user who owns the record (patient decides; copied from its events): who may read its communications. */
  ownerUserId: uuid('owner_user_id'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
export type PatientContactRow = typeof patientContacts.$inferSelect;

export const reminderStatus = pgEnum('reminder_status', ['SCHEDULED', 'QUEUED', 'SKIPPED']);

/**
 * The reminder schedule: one row per appointment, offset and appointment start. A worker claims
 * due rows (FOR UPDATE SKIP LOCKED) and queues their messages in the same transaction, so each
 * goes out once whatever the number of replicas or restarts. Rescheduling replaces the
 * SCHEDULED rows; cancel, complete and no-show delete them.
 */
export const reminders = pgTable(
  'reminders',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    appointmentId: uuid('appointment_id').notNull(),
    patientId: uuid('patient_id').notNull(),
    offsetSeconds: integer('offset_seconds').notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    /** The appointment as the last event described it (AppointmentSnapshot): what the message says. */
    appointment: jsonb('appointment').$type<EventData<'AppointmentBooked'>>().notNull(),
    status: reminderStatus('status').notNull().default('SCHEDULED'),
    queuedAt: timestamp('queued_at', { withTimezone: true }),
    /** The W3C traceparent of the booking event's processing: the reminder's span joins that trace. */
    traceparent: text('traceparent'),
  },
  (table) => [
    unique('reminders_appointment_offset_start_key').on(table.appointmentId, table.offsetSeconds, table.startsAt),
    index('reminders_due_idx').on(table.dueAt).where(sql`${table.status} = 'SCHEDULED'`),
  ],
);
export type ReminderRow = typeof reminders.$inferSelect;
