import { AuditAction, BillingStatus } from '@pms/contracts';
import { sql } from 'drizzle-orm';
import { boolean, check, date, index, integer, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

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
    /** Set when this record was merged into another: it stays as a tombstone with its original fields. */
    mergedInto: uuid('merged_into'),
    mergedAt: timestamp('merged_at', { withTimezone: true }),
    // email_key and phone_key, generated columns (migration 0020), are read only by the duplicate
    // search's SQL (db/duplicates.ts), so rows here stay what the record says.
  },
  (table) => [
    uniqueIndex('patients_email_lower_key').on(sql`lower(${table.email})`).where(sql`${table.mergedInto} is null`),
    index('patients_merged_into_idx').on(table.mergedInto).where(sql`${table.mergedInto} is not null`),
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
    /** MERGE: the other record of the merge. */
    relatedPatientId: uuid('related_patient_id'),
  },
  (table) => [index('audit_log_patient_at_idx').on(table.patientId, table.at), index('audit_log_at_idx').on(table.at)],
);

/** Pairs staff marked "not a duplicate", smaller id first. */
export const notDuplicates = pgTable(
  'not_duplicates',
  {
    firstId: uuid('first_id').notNull(),
    secondId: uuid('second_id').notNull(),
    markedBy: text('marked_by').notNull(),
    markedAt: timestamp('marked_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ name: 'not_duplicates_pkey', columns: [table.firstId, table.secondId] }), check('not_duplicates_order_check', sql`${table.firstId} < ${table.secondId}`)],
);

export type PatientRow = typeof patients.$inferSelect;
export type AuditRow = typeof auditLog.$inferSelect;
