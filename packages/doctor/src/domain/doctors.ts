import type { Doctor, DoctorInput, DoctorListQuery, DoctorPage } from '@pms/contracts';
import { conflict, notFound, pgErrorCode, pgErrorCodes, requireRole, type Actor } from '@pms/platform/domain';
import type { z } from 'zod';
import type { Executor } from '../db/database.js';
import { recordDoctorEvent } from '../db/outbox.js';
import {
  findDoctor,
  insertDoctor,
  listDoctors as listDoctorRows,
  updateDoctor,
  type DoctorFields,
  type DoctorFilter,
  type ScheduleFields,
} from '../db/doctors.js';
import type { DoctorRow } from '../db/schema.js';
import type { DoctorContext } from './context.js';

export type NewDoctor = z.output<typeof DoctorInput>;
type ListQuery = z.output<typeof DoctorListQuery>;
type Page = z.output<typeof DoctorPage>;

export const toDoctor = (row: DoctorRow): Doctor => ({
  id: row.id,
  name: row.name,
  email: row.email,
  phone: row.phone,
  specialty: row.specialty,
  active: row.active,
  timeZone: row.timeZone,
  createdAt: row.createdAt.toISOString(),
});

const emailTaken = (email: string) => conflict(`A doctor with email ${email} already exists`, 'DOCTOR_EMAIL_TAKEN');
export const doctorNotFound = (id: string) => notFound(`Doctor ${id} not found`, 'DOCTOR_NOT_FOUND');

/** What the events carry: a change to any of these is announced as DoctorUpdated. */
const snapshotChanged = (before: DoctorRow, after: DoctorRow) =>
  (['name', 'email', 'phone', 'specialty', 'active', 'timeZone'] as const).some((field) => before[field] !== after[field]);

/** Loads the doctor row for a change in the caller's transaction (locked), or throws 404. */
export async function lockDoctor(tx: Executor, id: string): Promise<DoctorRow> {
  const row = await findDoctor(tx, id, { forUpdate: true });
  if (!row) throw doctorNotFound(id);
  return row;
}

/** Applies a change to a locked doctor and announces it when the published snapshot changed. */
export async function changeDoctor(
  tx: Executor,
  before: DoctorRow,
  change: Parameters<typeof updateDoctor>[2],
  requestId: string | null,
): Promise<DoctorRow> {
  let after: DoctorRow | undefined;
  try {
    after = await updateDoctor(tx, before.id, change);
  } catch (error) {
    if (pgErrorCode(error) === pgErrorCodes.uniqueViolation && change.email) throw emailTaken(change.email);
    throw error;
  }
  if (!after) throw doctorNotFound(before.id);
  if (snapshotChanged(before, after)) await recordDoctorEvent(tx, 'DoctorUpdated', after, requestId);
  return after;
}

// The doctor directory: reads for every role, writes for admins.

export async function listDoctors(ctx: DoctorContext, query: ListQuery): Promise<Page> {
  const { page, pageSize, ...filter } = query;
  const { rows, total } = await listDoctorRows(ctx.db, filter, { offset: (page - 1) * pageSize, limit: pageSize });
  return { items: rows.map(toDoctor), page, pageSize, total };
}

export async function getDoctor(ctx: DoctorContext, id: string): Promise<Doctor> {
  return toDoctor(await readDoctor(ctx, id));
}

/** The doctor's whole row (schedule included), for the FHIR views of a doctor; 404 when unknown. */
export async function readDoctor(ctx: DoctorContext, id: string): Promise<DoctorRow> {
  const row = await findDoctor(ctx.db, id);
  if (!row) throw doctorNotFound(id);
  return row;
}

/** One page of the directory as rows, by name, and the total (FHIR searches). */
export const searchDoctors = (ctx: DoctorContext, filter: DoctorFilter, page: { offset: number; limit: number }) =>
  listDoctorRows(ctx.db, filter, page);

export async function createDoctor(ctx: DoctorContext, actor: Actor, input: NewDoctor): Promise<Doctor> {
  requireRole(actor.principal, 'admin');
  return toDoctor(await addDoctor(ctx, input, actor.requestId));
}

/**
 * Creates the doctor (with a schedule, if given) and its DoctorCreated event in one
 * transaction; 409 when the email is taken. No role check: for createDoctor() and the demo seed.
 */
export async function addDoctor(
  ctx: Pick<DoctorContext, 'db'>,
  input: NewDoctor,
  requestId: string | null,
  schedule?: ScheduleFields,
): Promise<DoctorRow> {
  return ctx.db.transaction(async (tx) => {
    const row = await insertDoctor(tx, { ...fieldsOf(input), ...schedule });
    if (!row) throw emailTaken(input.email);
    await recordDoctorEvent(tx, 'DoctorCreated', row, requestId);
    return row;
  });
}

/** Replaces the doctor's fields (PUT: an omitted `active` means true, an omitted phone clears it). */
export async function replaceDoctor(ctx: DoctorContext, actor: Actor, id: string, input: NewDoctor): Promise<Doctor> {
  requireRole(actor.principal, 'admin');
  const row = await ctx.db.transaction(async (tx) => changeDoctor(tx, await lockDoctor(tx, id), fieldsOf(input), actor.requestId));
  return toDoctor(row);
}

/**
 * DELETE deactivates: appointments, invoices and analytics keep referring to the doctor, so
 * the record stays (readable, `active: false`, no longer bookable). Repeating it is a no-op.
 */
export async function deactivateDoctor(ctx: DoctorContext, actor: Actor, id: string): Promise<void> {
  requireRole(actor.principal, 'admin');
  await ctx.db.transaction(async (tx) => changeDoctor(tx, await lockDoctor(tx, id), { active: false }, actor.requestId));
}

const fieldsOf = (input: NewDoctor): DoctorFields => ({
  name: input.name,
  email: input.email,
  phone: input.phone ?? null,
  specialty: input.specialty,
  active: input.active,
});
