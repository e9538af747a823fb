import type { EventHandlers, Transaction } from '@pms/platform';
import type { TypedEvent } from '@pms/contracts';
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

const setsSlot = (event: TypedEvent): event is TypedEvent<'AppointmentBooked' | 'AppointmentRescheduled'> =>
  event.type === 'AppointmentBooked' || event.type === 'AppointmentRescheduled';

/**
 * A batch at once: each unbroken run of bookings and reschedules is one statement; every other
 * event is applied in its place in the order, so a release is never overtaken.
 */
export async function applyAppointmentEvents(events: TypedEvent[], tx: Transaction): Promise<void> {
  let run: TypedEvent<'AppointmentBooked' | 'AppointmentRescheduled'>[] = [];
  const flush = async () => {
    if (run.length > 0) await bookedSlotView.set(tx, run.map((event) => event.data));
    run = [];
  };
  for (const event of events) {
    if (setsSlot(event)) {
      run.push(event);
      continue;
    }
    await flush();
    await (appointmentEventHandlers[event.type] as ((event: TypedEvent, tx: Transaction) => Promise<unknown>) | undefined)?.(event, tx);
  }
  await flush();
}
