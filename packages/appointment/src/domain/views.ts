import type { Appointment, EventData } from '@pms/contracts';
import type { AppointmentRow } from '../db/schema.js';

/** The HTTP representation of a row. */
export function toAppointment(row: AppointmentRow): Appointment {
  return {
    id: row.id,
    patientId: row.patientId,
    doctorId: row.doctorId,
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt.toISOString(),
    status: row.status,
    reason: row.reason,
    cancellationReason: row.cancellationReason,
    cancelledBy: row.cancelledBy,
    appointmentTypeId: row.appointmentTypeId,
    seriesId: row.seriesId,
    locationId: row.locationId,
    resources: row.resources,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

type SnapshotFields = Pick<
  AppointmentRow,
  | 'id'
  | 'patientId'
  | 'doctorId'
  | 'startsAt'
  | 'endsAt'
  | 'durationMinutes'
  | 'reason'
  | 'patientName'
  | 'patientEmail'
  | 'doctorName'
  | 'doctorSpecialty'
  | 'doctorTimeZone'
  | 'appointmentTypeId'
  | 'seriesId'
  | 'bufferBeforeMinutes'
  | 'bufferAfterMinutes'
  | 'priceCents'
  | 'locationId'
  | 'resources'
>;

/** The AppointmentSnapshot every appointment event carries, from the row alone. */
export function snapshotOf(row: SnapshotFields): EventData<'AppointmentBooked'> {
  return {
    appointmentId: row.id,
    patientId: row.patientId,
    doctorId: row.doctorId,
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt.toISOString(),
    durationMinutes: row.durationMinutes,
    reason: row.reason,
    patient: { name: row.patientName, email: row.patientEmail },
    doctor: { name: row.doctorName, specialty: row.doctorSpecialty, timeZone: row.doctorTimeZone },
    appointmentTypeId: row.appointmentTypeId,
    seriesId: row.seriesId,
    bufferBeforeMinutes: row.bufferBeforeMinutes,
    bufferAfterMinutes: row.bufferAfterMinutes,
    priceCents: row.priceCents,
    locationId: row.locationId,
    resources: row.resources,
  };
}
