import { z } from 'zod';
import { afterValid, dateInput, isoDate, isoDateTime, normalizedEmail, PageQuery, pageOf, text, uuid } from '../common.js';

/** The channels a patient agreed to be contacted on (reminders honour them). */
export const ContactPreferences = z.object({ email: z.boolean(), sms: z.boolean() }).meta({ id: 'ContactPreferences' });
export type ContactPreferences = z.infer<typeof ContactPreferences>;
export const defaultContactPreferences: ContactPreferences = { email: true, sms: false };

const notInFuture = (value: string) => value <= new Date().toISOString().slice(0, 10);

export const PatientInput = z.object({
  name: text().trim().min(1).max(200),
  email: normalizedEmail,
  phone: text().trim().regex(/^\+?[0-9 ()-]{5,20}$/, 'must be a phone number').nullable().optional(),
  address: text().trim().max(500).nullable().optional(),
  dateOfBirth: dateInput.refine(notInFuture, { message: 'must not be in the future', ...afterValid }),
  /** Create: email on, SMS off when left out. Update: unchanged when left out. */
  contactPreferences: ContactPreferences.optional(),
});
export type PatientInput = z.infer<typeof PatientInput>;

export const BillingStatus = z.enum(['ACTIVE', 'PENDING']);

export const Patient = z
  .object({
    id: uuid,
    name: z.string(),
    email: z.string(),
    phone: z.string().nullable(),
    address: z.string().nullable(),
    dateOfBirth: isoDate,
    registeredAt: isoDateTime,
    ownerUserId: uuid.nullable(),
    billingStatus: BillingStatus,
    contactPreferences: ContactPreferences,
    /** Set when the id asked for is a duplicate merged into this record: the read answers the survivor. */
    redirectedFrom: uuid.optional(),
  })
  .meta({ id: 'Patient' });
export type Patient = z.infer<typeof Patient>;

/** PUT /api/patients/:id/owner (staff, admin): the user account that owns the record, or null to unlink. */
export const PatientOwnerBody = z.object({ userId: uuid.nullable() });

export const PatientSort = z.enum(['name', '-name', 'registeredAt', '-registeredAt', 'email', '-email']);
export const PatientListQuery = PageQuery.extend({
  q: text().trim().max(200).optional(),
  sort: PatientSort.default('name'),
});
export const PatientPage = pageOf(Patient);

/**
 * CLAIM: a patient user with a verified email linked an existing, unlinked record to their
 * account. LINK: staff linked (or unlinked) a record and a user account. MERGE: a duplicate was
 * merged into a survivor (one entry on each record, each naming the other in relatedPatientId).
 */
export const AuditAction = z.enum(['READ', 'CREATE', 'UPDATE', 'DELETE', 'LIST', 'CLAIM', 'LINK', 'MERGE']);
export type AuditAction = z.infer<typeof AuditAction>;

export const AuditEntry = z.object({
  id: uuid,
  patientId: uuid,
  actorId: z.string(),
  actorRole: z.string(),
  action: AuditAction,
  at: isoDateTime,
  requestId: z.string().nullable(),
  /** MERGE: the other record of the merge. */
  relatedPatientId: uuid.nullable().optional(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
export const AuditQuery = PageQuery.extend({ patientId: uuid.optional() });
export const AuditPage = pageOf(AuditEntry);
