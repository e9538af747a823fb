import type { AuditAction, AuditEntry, Patient } from '@pms/contracts';
import type { Actor } from '@pms/platform/domain';
import type { NewAuditEntry } from '../db/audit.js';
import type { AuditRow, PatientRow } from '../db/schema.js';

/**
 * A patient as the domain answers it: the JSON API's Patient (its schema drops the rest) and what
 * FHIR's meta needs, the version and the time of the last change.
 */
export type PatientRecord = Patient & { version: number; updatedAt: string };

/** A record with its merges: the survivor it was merged into (a tombstone), the duplicates merged into it. */
export type MergedRecord = PatientRecord & { mergedInto: string | null; replaces: string[] };

export const toPatient = (row: PatientRow): PatientRecord => ({
  id: row.id,
  name: row.name,
  email: row.email,
  phone: row.phone,
  address: row.address,
  dateOfBirth: row.dateOfBirth,
  registeredAt: row.registeredAt.toISOString(),
  ownerUserId: row.ownerUserId,
  billingStatus: row.billingStatus,
  contactPreferences: { email: row.contactByEmail, sms: row.contactBySms },
  version: row.version,
  updatedAt: row.updatedAt.toISOString(),
});

export const toAuditEntry = (row: AuditRow): AuditEntry => ({ ...row, at: row.at.toISOString() });

export const auditEntry = (actor: Actor, action: AuditAction, patientId: string): NewAuditEntry => ({
  patientId,
  actorId: actor.principal.userId,
  actorRole: actor.principal.role,
  action,
  requestId: actor.requestId,
});

/** The actor part of an audit entry, for statements that write the entry themselves. */
export const auditActor = (actor: Actor) => ({ actorId: actor.principal.userId, actorRole: actor.principal.role, requestId: actor.requestId });
