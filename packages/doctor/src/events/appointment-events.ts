import { applyInRuns, runEffect, type EventHandlers } from '@pms/platform';
import { upsertAppointmentType, upsertPolicy } from '../db/scheduling-copies.js';
import { bookedSlotView } from '../domain/booked-slots.js';

/**
 * appointment-events → the booked-slot view and the copies of appointment's types and policy. Completed appointments keep their (past) slot;
 * every other type is skipped. Each runs in the consumer's transaction with its processed_events row.
 */
export const appointmentEventHandlers: EventHandlers = {
  AppointmentBooked: (event, tx) => bookedSlotView.set(tx, [event.data]),
  AppointmentRescheduled: (event, tx) => bookedSlotView.set(tx, [event.data]),
  AppointmentCancelled: (event, tx) => bookedSlotView.released(tx, event.data),
  AppointmentNoShow: (event, tx) => bookedSlotView.released(tx, event.data),
  AppointmentTypeChanged: (event, tx) => upsertAppointmentType(tx, event.data),
  SchedulingPolicyChanged: (event, tx) => upsertPolicy(tx, event.data),
};

/**
 * A batch at once: each unbroken run of bookings and reschedules is one statement; every other
 * event is applied in its place in the order, so a release is never overtaken.
 */
export const applyAppointmentEvents = applyInRuns(appointmentEventHandlers, [
  runEffect({
    types: ['AppointmentBooked', 'AppointmentRescheduled'],
    apply: (run, tx) => bookedSlotView.set(tx, run.map((event) => event.data)),
  }),
]);
