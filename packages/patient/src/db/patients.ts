import type { PatientInput } from '@pms/contracts';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { rethrowAsConflict } from './conflicts.js';
import type { Executor } from './database.js';
import { patients, type PatientRow } from './schema.js';

export type PatientSort = 'name' | '-name' | 'email' | '-email' | 'registeredAt' | '-registeredAt';

/** Restricts a query to the records one patient user owns; undefined means every record. */
export type OwnerScope = string | undefined;

const inScope = (id: string, owner: OwnerScope) =>
  owner === undefined ? eq(patients.id, id) : and(eq(patients.id, id), eq(patients.ownerUserId, owner));

/**
 * PUT replaces the record: optional fields left out become null. Contact preferences left out
 * stay as they are (the column defaults on create).
 */
const columnsOf = (input: PatientInput) => ({
  name: input.name,
  email: input.email.toLowerCase(),
  phone: input.phone ?? null,
  address: input.address ?? null,
  dateOfBirth: input.dateOfBirth,
  ...(input.contactPreferences && { contactByEmail: input.contactPreferences.email, contactBySms: input.contactPreferences.sms }),
});

export async function insertPatient(db: Executor, input: PatientInput, ownerUserId: string | null): Promise<PatientRow> {
  const [row] = await db
    .insert(patients)
    .values({ ...columnsOf(input), ownerUserId })
    .returning()
    .catch(rethrowAsConflict);
  return row!;
}

export async function findPatient(db: Executor, id: string, owner?: OwnerScope): Promise<PatientRow | undefined> {
  const [row] = await db.select().from(patients).where(inScope(id, owner)).limit(1);
  return row;
}

/** The record an id answers under now: a merged duplicate's survivor (one statement). */
export async function findLivePatient(db: Executor, id: string): Promise<PatientRow | undefined> {
  const [row] = await db
    .select()
    .from(patients)
    .where(eq(patients.id, sql`coalesce((select merged_into from patients where id = ${id}), ${id}::uuid)`))
    .limit(1);
  return row;
}

export async function findPatientOwnedBy(db: Executor, userId: string): Promise<PatientRow | undefined> {
  const [row] = await db.select().from(patients).where(eq(patients.ownerUserId, userId)).limit(1);
  return row;
}

export async function deletePatient(db: Executor, id: string): Promise<PatientRow | undefined> {
  const [row] = await db.delete(patients).where(eq(patients.id, id)).returning();
  return row;
}

/** Links the unlinked record with this email to the user, atomically; undefined when there is none. */
export async function claimUnlinkedPatient(db: Executor, email: string, userId: string): Promise<PatientRow | undefined> {
  const [row] = await db
    .update(patients)
    .set({ ownerUserId: userId, updatedAt: sql`now()` })
    .where(and(sql`lower(${patients.email}) = ${email.toLowerCase()}`, isNull(patients.ownerUserId), isNull(patients.mergedInto)))
    .returning()
    .catch(rethrowAsConflict);
  return row;
}

/** Staff set (or clear) the user account that owns the record; the unique index keeps one record per user. */
export async function setPatientOwner(db: Executor, id: string, userId: string | null): Promise<PatientRow | undefined> {
  const [row] = await db
    .update(patients)
    .set({ ownerUserId: userId, updatedAt: sql`now()` })
    .where(eq(patients.id, id))
    .returning()
    .catch(rethrowAsConflict);
  return row;
}

/**
 * The patients still PENDING become ACTIVE, in one statement. The create request (after billing's
 * gRPC answer) and the BillingAccountCreated consumer both do it; whichever comes second finds the
 * row ACTIVE and leaves it alone, not rewritten.
 */
export async function activatePending(db: Executor, ids: string[]): Promise<void> {
  await db.execute(sql`update patients set billing_status = 'ACTIVE' where id = any(${sql.param(ids)}::uuid[]) and billing_status <> 'ACTIVE'`);
}

/** Half-open date range, `YYYY-MM-DD`: atLeast <= value < before. */
export interface DateRange {
  atLeast?: string;
  before?: string;
}

/** What a list (`q`) or a FHIR search (the rest) asks for; every criterion given must hold. */
export interface PatientCriteria {
  q?: string;
  ids?: string[];
  name?: string;
  family?: string;
  given?: string;
  email?: string;
  phone?: string;
  /** An email or a phone number. */
  contact?: string;
  /** Every range must hold (FHIR: repeated date parameters AND). */
  born?: DateRange[];
}

export interface PatientListFilter extends PatientCriteria {
  sort: PatientSort;
  limit: number;
  offset: number;
  owner?: OwnerScope;
}
