import type { events } from '@pms/contracts';
import type { z } from 'zod';
import { releaseBookedSlots, upsertBookedSlots, type BookedSlot } from '../db/booked-slots.js';
import type { Executor } from '../db/database.js';

type AppointmentSnapshot = z.output<typeof events.AppointmentSnapshot>;

const minuteMs = 60_000;

/** The doctor's time the appointment takes: its type's buffers included. */
const slotOf = (appointment: AppointmentSnapshot): BookedSlot => ({
  appointmentId: appointment.appointmentId,
  doctorId: appointment.doctorId,
  startsAt: new Date(Date.parse(appointment.startsAt) - (appointment.bufferBeforeMinutes ?? 0) * minuteMs),
  endsAt: new Date(Date.parse(appointment.endsAt) + (appointment.bufferAfterMinutes ?? 0) * minuteMs),
  // Rooms and devices are held for the same buffered period as the doctor.
  resources: (appointment.resources ?? []).map(({ resourceId, unit }) => ({ resourceId, unit })),
  resourceIds: [...new Set((appointment.resources ?? []).map((resource) => resource.resourceId))],
});

/** One slot per appointment, the last of the run winning: a statement may not touch a row twice. */
const lastSlotEach = (appointments: AppointmentSnapshot[]) => [...new Map(appointments.map((appointment) => [appointment.appointmentId, slotOf(appointment)])).values()];

/**
 * The booked-slot view, kept from appointment events in the consumer's transaction. Booking
 * and rescheduling both set the appointment's current period (each snapshot is complete, so a
 * reschedule needs no earlier state, and of several for one appointment the last one counts);
 * cancellation and no-show free it for good.
 */
export const bookedSlotView = {
  /** Booked or rescheduled, many at once in their order: one statement. */
  set: (tx: Executor, appointments: AppointmentSnapshot[]) => upsertBookedSlots(tx, lastSlotEach(appointments)),
  /** Cancelled or no-show, many at once: one statement. */
  released: (tx: Executor, appointments: AppointmentSnapshot[]) => releaseBookedSlots(tx, lastSlotEach(appointments)),
};
