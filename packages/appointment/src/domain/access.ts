import type { Role } from '@pms/contracts';
import { forbidden, isStaff, notFound, requireRole, type Actor, type Principal } from '@pms/platform/domain';
import type { AppointmentRow } from '../db/schema.js';
import type { AppointmentsContext } from './context.js';
import type { PatientSummary } from './ports.js';

/** Who may do what (DESIGN §3, §7). Doctors act on their own appointments, patients on their own. */
export const rolesFor = {
  read: ['admin', 'staff', 'doctor', 'patient'],
  book: ['admin', 'staff', 'patient'],
  /** cancel, reschedule */
  manage: ['admin', 'staff', 'patient'],
  /** check-in, complete, no-show */
  attend: ['admin', 'staff', 'doctor'],
} as const satisfies Record<string, readonly Role[]>;

export const notYours = () => forbidden('This appointment belongs to someone else', 'NOT_OWNER');

/** A patient user owns the patient record whose ownerUserId is their user id. */
export function assertOwnsPatient(principal: Principal, patient: PatientSummary | undefined): void {
  if (principal.role === 'patient' && patient?.ownerUserId !== principal.userId) {
    throw forbidden('Patients may act only on their own patient record', 'NOT_OWNER');
  }
}

/** The doctor id of a doctor user; a doctor token without one reaches nothing. */
export function ownDoctorId(principal: Principal): string {
  if (!principal.doctorId) throw forbidden('This doctor account is not linked to a doctor', 'NOT_OWNER');
  return principal.doctorId;
}

/** Staff may touch any appointment: authorizing them needs nothing of its row. */
export const authorizedWithoutRow = (principal: Principal) => isStaff(principal);

/**
 * Throws 403 unless the actor may touch this appointment. For a patient user it asks patient
 * who owns the record (ownership can change when a user claims a record) and returns the
 * answer, so callers that need the patient anyway need not ask twice.
 */
export async function authorizeAppointment(
  ctx: AppointmentsContext,
  actor: Actor,
  row: AppointmentRow,
  roles: readonly Role[],
): Promise<PatientSummary | undefined> {
  const { principal } = actor;
  requireRole(principal, ...roles);
  if (authorizedWithoutRow(principal)) return undefined;
  if (principal.role === 'doctor') {
    if (row.doctorId !== ownDoctorId(principal)) throw notYours();
    return undefined;
  }
  const patient = await ctx.peers.getPatient(row.patientId, actor.requestId);
  if (patient?.ownerUserId !== principal.userId) throw notYours();
  return patient;
}

export const appointmentNotFound = (id: string) => notFound(`Appointment ${id} not found`, 'APPOINTMENT_NOT_FOUND');
