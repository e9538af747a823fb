import { AuditAction, BillingStatus } from '@pms/contracts';
import { sql } from 'drizzle-orm';
import { boolean, date, index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

// zod lists an enum's values as a plain array; pgEnum wants a non-empty tuple.
const valuesOf = <T extends string>(values: readonly T[]) => values as [T, ...T[]];

export const billingStatus = pgEnum('billing_status', valuesOf(BillingStatus.options));
export const auditAction = pgEnum('audit_action', valuesOf(AuditAction.options));

export const patients = pgTable(
  'patients',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    /** Stored lower-cased; the unique index on lower(email) is what guards against duplicates. */
    email: text('email').notNull(),
    phone: text('phone'),
    address: text('address'),
    dateOfBirth: date('date_of_birth', { mode: 'string' }).notNull(),
    /** The auth user id of the patient user who owns the record; null while unlinked. */
    ownerUserId: uuid('owner_user_id'),
    billingStatus: billingStatus('billing_status').notNull().default('PENDING'),
    /** Consent to be contacted (reminders): email on and SMS off unless the patient says otherwise. */
    contactByEmail: boolean('contact_by_email').notNull().default(true),
    contactBySms: boolean('contact_by_sms').notNull().default(false),
    registeredAt: timestamp('registered_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    /**
     * Bumped by every change of what the record says (not by billing activation or owner links,
     * which no representation shows): FHIR's meta.versionId and ETag, checked by If-Match.
     */
    version: integer('version').notNull().default(1),
  },
  (table) => [
    uniqueIndex('patients_email_lower_key').on(sql`lower(${table.email})`),
    // A patient user owns at most one record (NULLs, the unlinked records, never collide).
    uniqueIndex('patients_owner_user_id_key').on(table.ownerUserId),
    // Sorting and keyset-stable pagination of the list.
    index('patients_name_sort_idx').on(sql`lower(${table.name})`, table.id),
    index('patients_registered_at_idx').on(table.registeredAt, table.id),
    // `q` is a case-insensitive substring search (ILIKE '%q%'): only trigram indexes serve it.
    index('patients_name_trgm_idx').using('gin', table.name.op('gin_trgm_ops')),
    index('patients_email_trgm_idx').using('gin', table.email.op('gin_trgm_ops')),
  ],
);

/**
 * Who read or changed which record, when. No foreign key to patients: the log must outlive
 * the records it speaks about (a DELETE is logged too).
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    patientId: uuid('patient_id').notNull(),
    actorId: text('actor_id').notNull(),
    actorRole: text('actor_role').notNull(),
    action: auditAction('action').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    requestId: text('request_id'),
  },
  (table) => [index('audit_log_patient_at_idx').on(table.patientId, table.at), index('audit_log_at_idx').on(table.at)],
);

export type PatientRow = typeof patients.$inferSelect;
export type AuditRow = typeof auditLog.$inferSelect;
