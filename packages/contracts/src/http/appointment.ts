import { z } from 'zod';
import { isoDateTime, PageQuery, pageOf, uuid } from '../common.js';

export const appointmentStatuses = ['BOOKED', 'CHECKED_IN', 'COMPLETED', 'CANCELLED', 'NO_SHOW'] as const;
export const AppointmentStatus = z.enum(appointmentStatuses);
export type AppointmentStatus = z.infer<typeof AppointmentStatus>;

const inFuture = (value: string) => Date.parse(value) > Date.now();

export const BookAppointmentBody = z.object({
  patientId: uuid,
  doctorId: uuid,
  startsAt: isoDateTime.refine(inFuture, 'must be in the future'),
  /** Duration and buffers come from the type; without one, durationMinutes (or the default) applies. */
  appointmentTypeId: uuid.optional(),
  durationMinutes: z.number().int().min(5).max(480).optional(),
  reason: z.string().trim().max(1000).optional(),
});
export const CancelAppointmentBody = z.object({ reason: z.string().trim().max(1000).optional() });
export const RescheduleAppointmentBody = z.object({
  startsAt: isoDateTime.refine(inFuture, 'must be in the future'),
  durationMinutes: z.number().int().min(5).max(480).optional(),
});

export const Appointment = z
  .object({
    id: uuid,
    patientId: uuid,
    doctorId: uuid,
    startsAt: isoDateTime,
    endsAt: isoDateTime,
    status: AppointmentStatus,
    reason: z.string().nullable(),
    cancellationReason: z.string().nullable(),
    cancelledBy: z.string().nullable(),
    appointmentTypeId: uuid.nullable(),
    /** Set on every occurrence of a recurring series. */
    seriesId: uuid.nullable(),
    createdAt: isoDateTime,
    updatedAt: isoDateTime,
  })
  .meta({ id: 'Appointment' });
export type Appointment = z.infer<typeof Appointment>;

export const AppointmentListQuery = PageQuery.extend({
  patientId: uuid.optional(),
  doctorId: uuid.optional(),
  from: isoDateTime.optional(),
  to: isoDateTime.optional(),
  status: AppointmentStatus.optional(),
});
export const AppointmentPage = pageOf(Appointment);
