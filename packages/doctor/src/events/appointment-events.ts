import type { EventHandlers } from '@pms/platform';
import { bookedSlotView } from '../domain/booked-slots.js';

/**
 * appointment-events → the booked-slot view. Completed appointments keep their (past) slot;
 * every other type is skipped. Each runs in the consumer's transaction with its processed_events row.
 */
export const appointmentEventHandlers: EventHandlers = {
  AppointmentBooked: (event, tx) => bookedSlotView.booked(tx, event.data),
  AppointmentRescheduled: (event, tx) => bookedSlotView.rescheduled(tx, event.data),
  AppointmentCancelled: (event, tx) => bookedSlotView.released(tx, event.data),
  AppointmentNoShow: (event, tx) => bookedSlotView.released(tx, event.data),
};
