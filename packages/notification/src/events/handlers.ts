import type { EventType, TypedEvent } from '@pms/contracts';
import { consumeInRuns, followingPatientMerges, runEffect, type EventsInRuns, type Transaction } from '@pms/platform';
import { moveNotifications } from '../db/patient-merges.js';
import { notifyingEventTypes } from '../domain/messages.js';
import { recordEventNotifications } from '../domain/notifications.js';
import { forgetContact, recordContacts, reminderSchedule } from '../domain/reminders.js';

/**
 * Per event type, everything it does here, in the consumer's transaction: notifying event types
 * log their messages; appointment events keep the reminder schedule; patient events keep the
 * contact copy reminders consult. The messages depend on nothing the other effects write, so a
 * batch logs them first; then each run of bookings, of reschedules and of endings keeps the
 * reminder schedule, and each run of patient events records its contacts, in one or two statements. One event at a time (a failed batch
 * retried) goes the same way, as a batch of one. Events of a merged duplicate that arrive after
 * its PatientMerged are applied to the survivor (followingPatientMerges).
 */
export function notificationConsumer(reminderOffsetsSeconds: number[]): EventsInRuns {
  const schedule = reminderSchedule(reminderOffsetsSeconds);
  const effects = consumeInRuns(
    {
      PatientDeleted: (event, tx) => forgetContact(tx, event),
      PatientMerged: ({ data }, tx) => moveNotifications(tx, data),
    },
    [
      runEffect({ types: ['AppointmentBooked'], apply: (run, tx) => schedule.booked(tx, run) }),
      runEffect({ types: ['AppointmentRescheduled'], apply: (run, tx) => schedule.rescheduled(tx, run) }),
      runEffect({
        types: ['AppointmentCancelled', 'AppointmentCompleted', 'AppointmentNoShow'],
        apply: (run, tx) => schedule.ended(tx, run.map((event) => event.data)),
      }),
      runEffect({ types: ['PatientCreated', 'PatientUpdated'], apply: (run, tx) => recordContacts(tx, run) }),
    ],
  );

  const handleBatch = async (events: TypedEvent[], tx: Transaction) => {
    await recordEventNotifications(tx, events);
    await effects.handleBatch(events, tx);
  };
  const handledTypes = new Set<EventType>([...notifyingEventTypes, ...(Object.keys(effects.handlers) as EventType[])]);
  return followingPatientMerges({
    handlers: Object.fromEntries([...handledTypes].map((type) => [type, (event: TypedEvent, tx: Transaction) => handleBatch([event], tx)])),
    handleBatch,
  });
}
