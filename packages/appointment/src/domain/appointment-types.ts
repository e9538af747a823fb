import type { AppointmentType, AppointmentTypeInput, AppointmentTypeListQuery, ResourceRequirement, Specialty } from '@pms/contracts';
import { badInput, notFound, requireRole, unprocessable, type Actor } from '@pms/platform/domain';
import type { z } from 'zod';
import {
  findAppointmentType,
  insertAppointmentType,
  listAppointmentTypes,
  markAppointmentTypeDeleted,
  updateAppointmentType,
} from '../db/appointment-types.js';
import type { AppointmentTypeRow } from '../db/schema.js';
import { rolesFor } from './access.js';
import type { AppointmentsContext } from './context.js';

export function toAppointmentType(row: AppointmentTypeRow): AppointmentType {
  return {
    id: row.id,
    name: row.name,
    durationMinutes: row.durationMinutes,
    bufferBeforeMinutes: row.bufferBeforeMinutes,
    bufferAfterMinutes: row.bufferAfterMinutes,
    priceCents: row.priceCents,
    specialty: row.specialty,
    active: row.active,
    requiredResources: row.requiredResources,
  };
}

const typeNotFound = (id: string) => notFound(`Appointment type ${id} not found`, 'APPOINTMENT_TYPE_NOT_FOUND');

export async function listTypes(
  ctx: AppointmentsContext,
  actor: Actor,
  query: z.infer<typeof AppointmentTypeListQuery>,
): Promise<{ items: AppointmentType[] }> {
  requireRole(actor.principal, ...rolesFor.read);
  return { items: (await listAppointmentTypes(ctx.db, query)).map(toAppointmentType) };
}

export async function getType(ctx: AppointmentsContext, actor: Actor, id: string): Promise<AppointmentType> {
  requireRole(actor.principal, ...rolesFor.read);
  const row = await findAppointmentType(ctx.db, id);
  if (!row || row.deletedAt) throw typeNotFound(id);
  return toAppointmentType(row);
}

export async function createType(ctx: AppointmentsContext, actor: Actor, input: AppointmentTypeInput): Promise<AppointmentType> {
  requireRole(actor.principal, 'admin');
  // Each change and its AppointmentTypeChanged event (the whole type): one statement.
  return toAppointmentType(await insertAppointmentType(ctx.db, input, actor.requestId));
}

export async function replaceType(
  ctx: AppointmentsContext,
  actor: Actor,
  id: string,
  input: AppointmentTypeInput,
): Promise<AppointmentType> {
  requireRole(actor.principal, 'admin');
  const updated = await updateAppointmentType(ctx.db, id, input, actor.requestId);
  if (!updated) throw typeNotFound(id);
  return toAppointmentType(updated);
}

/** Soft: booked appointments keep their type; it is no longer listed or bookable. */
export async function deleteType(ctx: AppointmentsContext, actor: Actor, id: string): Promise<void> {
  requireRole(actor.principal, 'admin');
  const deleted = await markAppointmentTypeDeleted(ctx.db, id, actor.requestId);
  if (!deleted) throw typeNotFound(id);
}

/** How long a visit takes and what it blocks and costs: from its type, or a bare duration. */
export interface Visit {
  appointmentTypeId: string | null;
  durationMinutes: number;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
  priceCents: number | null;
  /** The type is only for doctors of this specialty. */
  specialty: Specialty | null;
  /** Rooms and devices booked with the doctor. */
  requiredResources: ResourceRequirement[];
}

export async function resolveVisit(
  ctx: AppointmentsContext,
  input: { appointmentTypeId?: string; durationMinutes?: number },
): Promise<Visit> {
  if (!input.appointmentTypeId) {
    return {
      appointmentTypeId: null,
      durationMinutes: input.durationMinutes ?? ctx.defaultDurationMinutes,
      bufferBeforeMinutes: 0,
      bufferAfterMinutes: 0,
      priceCents: null,
      specialty: null,
      requiredResources: [],
    };
  }
  if (input.durationMinutes !== undefined) {
    throw badInput('durationMinutes comes from the appointment type', [
      { field: 'durationMinutes', message: 'leave out when appointmentTypeId is given' },
    ]);
  }
  const type = await findAppointmentType(ctx.db, input.appointmentTypeId);
  if (!type || type.deletedAt) throw unprocessable(`Appointment type ${input.appointmentTypeId} does not exist`, 'UNKNOWN_APPOINTMENT_TYPE');
  if (!type.active) throw unprocessable(`Appointment type ${type.name} is not bookable`, 'APPOINTMENT_TYPE_INACTIVE');
  return {
    appointmentTypeId: type.id,
    durationMinutes: type.durationMinutes,
    bufferBeforeMinutes: type.bufferBeforeMinutes,
    bufferAfterMinutes: type.bufferAfterMinutes,
    priceCents: type.priceCents,
    specialty: type.specialty,
    requiredResources: type.requiredResources,
  };
}

/** A type limited to a specialty is not booked with a doctor of another one. */
export function assertTypeSuitsDoctor(visit: Visit, doctorSpecialty: Specialty): void {
  if (visit.specialty && visit.specialty !== doctorSpecialty) {
    throw unprocessable(`This appointment type is for ${visit.specialty} doctors`, 'TYPE_NOT_FOR_SPECIALTY');
  }
}
