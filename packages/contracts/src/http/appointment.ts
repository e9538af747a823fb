import { z } from 'zod';
import { afterValid, dateTimeInput, isoDateTime, PageQuery, pageOf, text, uuid } from '../common.js';
import { BookedResource } from './floor.js';

export const appointmentStatuses = ['BOOKED', 'CHECKED_IN', 'COMPLETED', 'CANCELLED', 'NO_SHOW'] as const;
export const AppointmentStatus = z.enum(appointmentStatuses);
export type AppointmentStatus = z.infer<typeof AppointmentStatus>;

const inFuture = (value: string) => Date.parse(value) > Date.now();
const futureInstant = dateTimeInput.refine(inFuture, { message: 'must be in the future', ...afterValid });
const reason = text().trim().max(1000).optional();

export const BookAppointmentBody = z.object({
  patientId: uuid,
  doctorId: uuid,
  startsAt: futureInstant,
  /** Duration and buffers come from the type; without one, durationMinutes (or the default) applies. */
  appointmentTypeId: uuid.optional(),
  durationMinutes: z.number().int().min(5).max(480).optional(),
  reason,
});
export const CancelAppointmentBody = z.object({ reason });
export const RescheduleAppointmentBody = z.object({
  startsAt: futureInstant,
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
    /** Where the visit takes place (null: booked before locations, or at the default one). */
    locationId: uuid.nullable(),
    /** The rooms and devices reserved for it. */
    resources: z.array(BookedResource),
    createdAt: isoDateTime,
    updatedAt: isoDateTime,
  })
  .meta({ id: 'Appointment' });
export type Appointment = z.infer<typeof Appointment>;

export const AppointmentListQuery = PageQuery.extend({
  patientId: uuid.optional(),
  doctorId: uuid.optional(),
  from: dateTimeInput.optional(),
  to: dateTimeInput.optional(),
  status: AppointmentStatus.optional(),
});
export const AppointmentPage = pageOf(Appointment);
