import type { AppointmentListQuery, AppointmentPage } from '@pms/contracts';
import { badInput, forbidden, notFound, requireRole, type Actor } from '@pms/platform/domain';
import type { z } from 'zod';
import { findAppointment, listAppointments as findAppointments, type AppointmentFilter } from '../db/appointments.js';
import type { AppointmentRow } from '../db/schema.js';
import { assertOwnsPatient, authorizeAppointment, ownDoctorId, rolesFor } from './access.js';
import type { AppointmentsContext } from './context.js';
import { toAppointment } from './views.js';

export type ListInput = z.infer<typeof AppointmentListQuery>;

export async function getAppointment(ctx: AppointmentsContext, actor: Actor, id: string): Promise<AppointmentRow> {
  requireRole(actor.principal, ...rolesFor.read);
  const row = await findAppointment(ctx.db, id);
  if (!row) throw notFound(`Appointment ${id} not found`, 'APPOINTMENT_NOT_FOUND');
  await authorizeAppointment(ctx, actor, row, rolesFor.read);
  return row;
}

/**
 * One page of appointments, in time order, and the total. Staff and admins see everything. A
 * doctor's list is limited to their own appointments (naming another doctor is 403); a patient
 * must name their own patientId (403 otherwise).
 */
export async function findAppointmentsFor(
  ctx: AppointmentsContext,
  actor: Actor,
  filter: AppointmentFilter,
  page: { limit: number; offset: number },
): Promise<{ rows: AppointmentRow[]; total: number }> {
  const { principal } = actor;
  requireRole(principal, ...rolesFor.read);
  if (principal.role === 'doctor') {
    const doctorId = ownDoctorId(principal);
    if (filter.doctorId && filter.doctorId !== doctorId) throw forbidden('Doctors see only their own appointments', 'NOT_OWNER');
    filter = { ...filter, doctorId };
  }
  if (principal.role === 'patient') {
    if (!filter.patientId) throw forbidden('Patients must filter by their own patientId', 'NOT_OWNER');
    assertOwnsPatient(principal, await ctx.peers.getPatient(filter.patientId, actor.requestId));
  }
  return findAppointments(ctx.db, filter, page);
}

/** GET /api/appointments: appointments starting in [from, to), by role (see findAppointmentsFor). */
export async function listAppointments(
  ctx: AppointmentsContext,
  actor: Actor,
  query: ListInput,
): Promise<z.infer<typeof AppointmentPage>> {
  const filter: AppointmentFilter = {
    patientId: query.patientId,
    doctorId: query.doctorId,
    from: query.from ? new Date(query.from) : undefined,
    to: query.to ? new Date(query.to) : undefined,
    statuses: query.status && [query.status],
  };
  if (filter.from && filter.to && filter.from >= filter.to) {
    throw badInput('to must be after from', [{ field: 'to', message: 'must be after from' }]);
  }
  const { page, pageSize } = query;
  const { rows, total } = await findAppointmentsFor(ctx, actor, filter, { limit: pageSize, offset: (page - 1) * pageSize });
  return { items: rows.map(toAppointment), page, pageSize, total };
}
