import { consumeInRuns, runEffect } from '@pms/platform';
import { upsertAppointmentType, upsertPolicy } from '../db/scheduling-copies.js';
import { bookedSlotView } from '../domain/booked-slots.js';

/**
 * appointment-events → the booked-slot view and the copies of appointment's types and policy.
 * Completed appointments keep their (past) slot; every other type is skipped. Each unbroken run
 * of bookings and reschedules, and of releases, in a batch is one statement; every other event is applied in its
 * place in the order, so a release is never overtaken. All in the consumer's transaction with
 * the processed_events rows.
 */
export const appointmentEvents = consumeInRuns(
  {
    AppointmentTypeChanged: (event, tx) => upsertAppointmentType(tx, event.data),
    SchedulingPolicyChanged: (event, tx) => upsertPolicy(tx, event.data),
  },
  [
    runEffect({
      types: ['AppointmentBooked', 'AppointmentRescheduled'],
      apply: (run, tx) => bookedSlotView.set(tx, run.map((event) => event.data)),
    }),
    runEffect({
      types: ['AppointmentCancelled', 'AppointmentNoShow'],
      apply: (run, tx) => bookedSlotView.released(tx, run.map((event) => event.data)),
    }),
  ],
);
