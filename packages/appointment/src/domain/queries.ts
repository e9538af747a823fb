import type { Appointment, AppointmentListQuery, AppointmentPage } from '@pms/contracts';
import { badInput, forbidden, notFound, requireRole, type Actor } from '@pms/platform/domain';
import type { z } from 'zod';
import { findAppointment, listAppointments as findAppointments, type AppointmentFilter } from '../db/appointments.js';
import { assertOwnsPatient, authorizeAppointment, ownDoctorId, rolesFor } from './access.js';
import type { AppointmentsContext } from './context.js';
import { toAppointment } from './views.js';

export type ListInput = z.infer<typeof AppointmentListQuery>;

export async function getAppointment(ctx: AppointmentsContext, actor: Actor, id: string): Promise<Appointment> {
  requireRole(actor.principal, ...rolesFor.read);
  const row = await findAppointment(ctx.db, id);
  if (!row) throw notFound(`Appointment ${id} not found`, 'APPOINTMENT_NOT_FOUND');
  await authorizeAppointment(ctx, actor, row, rolesFor.read);
  return toAppointment(row);
}

/**
 * Staff and admins list everything. A doctor's list is limited to their own appointments; a
 * patient must name their own patientId. Appointments starting in [from, to), in time order.
 */
export async function listAppointments(
  ctx: AppointmentsContext,
  actor: Actor,
  query: ListInput,
): Promise<z.infer<typeof AppointmentPage>> {
  const { principal } = actor;
  requireRole(principal, ...rolesFor.read);
  const filter: AppointmentFilter = {
    patientId: query.patientId,
    doctorId: query.doctorId,
    from: query.from ? new Date(query.from) : undefined,
    to: query.to ? new Date(query.to) : undefined,
    status: query.status,
  };
  if (filter.from && filter.to && filter.from >= filter.to) {
    throw badInput('to must be after from', [{ field: 'to', message: 'must be after from' }]);
  }
  if (principal.role === 'doctor') {
    const doctorId = ownDoctorId(principal);
    if (query.doctorId && query.doctorId !== doctorId) throw forbidden('Doctors see only their own appointments', 'NOT_OWNER');
    filter.doctorId = doctorId;
  }
  if (principal.role === 'patient') {
    if (!query.patientId) throw forbidden('Patients must filter by their own patientId', 'NOT_OWNER');
    assertOwnsPatient(principal, await ctx.peers.getPatient(query.patientId, actor.requestId));
  }
  const { page, pageSize } = query;
  const { rows, total } = await findAppointments(ctx.db, filter, { limit: pageSize, offset: (page - 1) * pageSize });
  return { items: rows.map(toAppointment), page, pageSize, total };
}
