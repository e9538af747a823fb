import { uuid, type Patient, type PatientInput } from '@pms/contracts';
import { badInput, conflict, forbidden, notFound, preconditionFailed, requireRole, type Actor } from '@pms/platform/domain';
import { insertAuditEntries } from '../db/audit.js';
import type { Database, Executor } from '../db/database.js';
import { recordPatientDeleted, recordPatientSaved } from '../db/outbox.js';
import * as repo from '../db/patients.js';
import { insertRecorded, listAudited, readAudited, readAuditedAsIs, updateRecorded } from '../db/statements.js';
import type { PatientRow } from '../db/schema.js';
import type { PatientContext } from './context.js';
import { auditActor, auditEntry, toPatient, type MergedRecord, type PatientRecord } from './records.js';


/** A patient user reaches only the record they own; every other role reaches every record. */
export const ownerScopeOf = ({ principal }: Actor): string | undefined => (principal.role === 'patient' ? principal.userId : undefined);

// One message for "unknown" and "not yours": a patient user cannot probe which ids exist.
const patientNotFound = (id: string) => notFound(`Patient ${id} not found`, 'PATIENT_NOT_FOUND');

export interface PatientListRequest {
  q?: string;
  sort: repo.PatientSort;
  page: number;
  pageSize: number;
}

export async function listPatients(ctx: PatientContext, actor: Actor, request: PatientListRequest) {
  requireRole(actor.principal, 'admin', 'staff', 'doctor', 'patient');
  // Every record a list shows counts as read: the page and its audit entries are one statement.
  const { page, pageSize, ...criteria } = request;
  const filter = { ...criteria, limit: pageSize, offset: (page - 1) * pageSize, owner: ownerScopeOf(actor) };
  const { rows, total } = await listAudited(ctx.db, filter, auditActor(actor));
  return { items: rows.map(toPatient), page: request.page, pageSize: request.pageSize, total };
}

/** A FHIR search: the list's roles, scope and LIST audit entries, by criteria, in name order. */
export async function searchPatients(ctx: PatientContext, actor: Actor, criteria: repo.PatientCriteria, page: { limit: number; offset: number }) {
  requireRole(actor.principal, 'admin', 'staff', 'doctor', 'patient');
  const { rows, total } = await listAudited(ctx.db, { ...criteria, ...page, sort: 'name', owner: ownerScopeOf(actor) }, auditActor(actor));
  return { records: rows.map(toPatient), total };
}

export async function readPatient(ctx: PatientContext, actor: Actor, id: string): Promise<PatientRecord> {
  requireRole(actor.principal, 'admin', 'staff', 'doctor', 'patient');
  // The read and its audit entry are one statement: no record leaves without its entry.
  const row = await readAudited(ctx.db, id, ownerScopeOf(actor), auditActor(actor));
  if (!row) throw patientNotFound(id);
  // A merged duplicate's id answers with its survivor, and says so.
  return row.id === id ? toPatient(row) : { ...toPatient(row), redirectedFrom: id };
}

/** A record as it is, a merged duplicate too (FHIR shows the tombstone), with what merged into it. */
export async function readPatientAsIs(ctx: PatientContext, actor: Actor, id: string): Promise<MergedRecord> {
  requireRole(actor.principal, 'admin', 'staff', 'doctor', 'patient');
  const row = await readAuditedAsIs(ctx.db, id, ownerScopeOf(actor), auditActor(actor));
  if (!row) throw patientNotFound(id);
  return { ...toPatient(row), mergedInto: row.mergedInto, replaces: row.replaces };
}

export interface CreateOutcome {
  patient: PatientRecord;
  /** True when a patient user linked an existing record instead of creating one. */
  claimed: boolean;
}

/**
 * Staff and admins register anyone; a patient user registers themselves (or claims the
 * record the clinic already keeps under their email). The row, its audit entry and its event
 * commit together; only then is billing asked to open the account.
 */
export async function createPatient(ctx: PatientContext, actor: Actor, input: PatientInput): Promise<CreateOutcome> {
  requireRole(actor.principal, 'admin', 'staff', 'patient');
  const saved =
    actor.principal.role === 'patient'
      ? await registerSelf(ctx.db, actor, input)
      : { row: await insertRecorded(ctx.db, input, null, auditActor(actor)), claimed: false };
  const row = saved.row.billingStatus === 'PENDING' ? await openBillingAccount(ctx, actor, saved.row) : saved.row;
  return { patient: toPatient(row), claimed: saved.claimed };
}

async function registerSelf(db: Database, actor: Actor, input: PatientInput): Promise<{ row: PatientRow; claimed: boolean }> {
  const { userId, email, emailVerified } = actor.principal;
  // Proof first: without it anyone could register with a stranger's email and claim the
  // record the clinic keeps under it (issue 10, finding 1).
  if (emailVerified !== true) {
    throw forbidden('Verify your email first: follow the link we emailed you, then sign in again', 'EMAIL_NOT_VERIFIED');
  }
  return db.transaction(async (tx) => {
    if (await repo.findPatientOwnedBy(tx, userId)) {
      throw conflict('You already have a patient record', 'PATIENT_ALREADY_REGISTERED');
    }
    // Only the account's own (verified) email: registering under someone else's would squat it.
    if (!email || email.toLowerCase() !== input.email.toLowerCase()) {
      throw forbidden('A patient can register only with the email of their own account', 'EMAIL_NOT_OWN');
    }
    const claimed = await repo.claimUnlinkedPatient(tx, input.email, userId);
    if (claimed) {
      await insertAuditEntries(tx, [auditEntry(actor, 'CLAIM', claimed.id)]);
      await recordPatientSaved(tx, 'PatientUpdated', claimed, actor.requestId);
      return { row: claimed, claimed: true };
    }
    return { row: await insertRecorded(tx, input, userId, auditActor(actor)), claimed: false };
  });
}

/**
 * Best effort, after the commit: billing down or slow leaves the patient PENDING, and billing
 * opens the account when it consumes PatientCreated (both paths are idempotent there).
 */
async function openBillingAccount(ctx: PatientContext, actor: Actor, row: PatientRow): Promise<PatientRow> {
  try {
    await ctx.billing.open({ patientId: row.id, name: row.name, email: row.email }, actor.requestId);
    await repo.activatePending(ctx.db, [row.id]);
    return { ...row, billingStatus: 'ACTIVE' };
  } catch (error) {
    ctx.log.warn({ err: error, patientId: row.id }, 'billing account not opened now; billing catches up from PatientCreated');
    return row;
  }
}

/**
 * Replaces the record. With `expectedVersion` (FHIR If-Match) the write happens only if the record
 * is still at that version; otherwise it is a 412 and nothing is written.
 */
export async function updatePatient(
  ctx: PatientContext,
  actor: Actor,
  id: string,
  input: PatientInput,
  expectedVersion?: number,
): Promise<PatientRecord> {
  requireRole(actor.principal, 'admin', 'staff', 'patient');
  const owner = ownerScopeOf(actor);
  // The change, its audit entry and its event are one statement.
  const row = await updateRecorded(ctx.db, id, input, { owner, expectedVersion }, auditActor(actor));
  if (row) return toPatient(row);
  // Nothing written: unknown (or not yours), or changed since the client read it.
  const current = expectedVersion === undefined ? undefined : await repo.findPatient(ctx.db, id, owner);
  if (!current) throw patientNotFound(id);
  throw preconditionFailed(`Patient ${id} is at version ${current.version}, not ${expectedVersion}: read it again`, 'VERSION_CONFLICT');
}

/**
 * Staff link a record to a user account (a patient who cannot receive the verification email,
 * or a record registered before the account), or unlink it with null. One record per user.
 */
export async function linkPatientOwner(ctx: PatientContext, actor: Actor, id: string, userId: string | null): Promise<PatientRecord> {
  requireRole(actor.principal, 'admin', 'staff');
  return ctx.db.transaction(async (tx) => {
    const row = await repo.setPatientOwner(tx, id, userId);
    if (!row) throw patientNotFound(id);
    await insertAuditEntries(tx, [auditEntry(actor, 'LINK', id)]);
    await recordPatientSaved(tx, 'PatientUpdated', row, actor.requestId);
    return toPatient(row);
  });
}

export async function deletePatient(ctx: PatientContext, actor: Actor, id: string): Promise<void> {
  requireRole(actor.principal, 'admin', 'staff');
  await ctx.db.transaction(async (tx) => {
    const row = await repo.deletePatient(tx, id);
    if (!row) throw patientNotFound(id);
    await insertAuditEntries(tx, [auditEntry(actor, 'DELETE', id)]);
    await recordPatientDeleted(tx, id, actor.requestId);
  });
}

/** For other services (gRPC GetPatient, on every booking): one primary-key lookup, nothing else. */
export async function findPatientSummary(db: Executor, id: string): Promise<Patient> {
  if (!uuid.safeParse(id).success) throw badInput('Invalid patient id', [{ field: 'id', message: 'must be a UUID' }]);
  // A merged duplicate answers as its survivor: a booking made for it lands on the survivor.
  const row = await repo.findLivePatient(db, id);
  if (!row) throw patientNotFound(id);
  return toPatient(row);
}

/** billing opened the accounts (BillingAccountCreated): PENDING → ACTIVE; a deleted patient is no error. */
export async function activateBilling(db: Executor, patientIds: string[]): Promise<void> {
  await repo.activatePending(db, patientIds);
}
