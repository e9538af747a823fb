import { consumeInRuns, runEffect } from '@pms/platform';
import { upsertAppointmentType, upsertPolicy } from '../db/scheduling-copies.js';
import { bookedSlotView } from '../domain/booked-slots.js';

/**
 * appointment-events → the booked-slot view and the copies of appointment's types and policy.
 * Completed appointments keep their (past) slot; every other type is skipped. Each unbroken run
 * of bookings and reschedules in a batch is one statement; every other event is applied in its
 * place in the order, so a release is never overtaken. All in the consumer's transaction with
 * the processed_events rows.
 */
export const appointmentEvents = consumeInRuns(
  {
    AppointmentCancelled: (event, tx) => bookedSlotView.released(tx, event.data),
    AppointmentNoShow: (event, tx) => bookedSlotView.released(tx, event.data),
    AppointmentTypeChanged: (event, tx) => upsertAppointmentType(tx, event.data),
    SchedulingPolicyChanged: (event, tx) => upsertPolicy(tx, event.data),
  },
  [
    runEffect({
      types: ['AppointmentBooked', 'AppointmentRescheduled'],
      apply: (run, tx) => bookedSlotView.set(tx, run.map((event) => event.data)),
    }),
  ],
);
