import { defaultContactPreferences, type EventData, type TypedEvent } from '@pms/contracts';
import { eventTraceparent, inStoredTraces, type Database, type Executor } from '@pms/platform';
import { claimDueReminders, dropReminders, findContacts, scheduleReminders, upsertContacts } from '../db/reminders.js';
import { insertNotifications } from '../db/notifications.js';
import type { PatientContactRow, ReminderRow } from '../db/schema.js';
import { reminderMessages } from './messages.js';

export const reminderType = 'AppointmentReminder';

/**
 * The appointment-events side of reminders; each call runs in the consumer's transaction.
 * A booking's `occurredAt` is when it happened: an offset already past then is skipped, one that
 * passed only while the event waited in Kafka still goes out (at once).
 */
export function reminderSchedule(offsetsSeconds: number[]) {
  return {
    /** Bookings, each with when it happened; a whole run of them in one statement. */
    booked: (tx: Executor, bookings: TypedEvent<'AppointmentBooked'>[]) =>
      scheduleReminders(tx, bookings.map((event) => ({ appointment: event.data, since: new Date(event.occurredAt), traceparent: eventTraceparent(event) })), offsetsSeconds),
    /**
     * The reminders move: the ones not yet sent for the old times go, each appointment's latest
     * time gets its own; a whole run in two statements.
     */
    rescheduled: async (tx: Executor, moves: TypedEvent<'AppointmentRescheduled'>[]) => {
      const latest = new Map(
        moves.map((event) => [event.data.appointmentId, { appointment: event.data, since: new Date(event.occurredAt), traceparent: eventTraceparent(event) }]),
      );
      await dropReminders(tx, [...latest.keys()]);
      await scheduleReminders(tx, [...latest.values()], offsetsSeconds);
    },
    /** Cancelled, completed, no-show: nothing more to remind of; a whole run in one statement. */
    ended: (tx: Executor, appointments: EventData<'AppointmentBooked'>[]) => dropReminders(tx, appointments.map((appointment) => appointment.appointmentId)),
  };
}

/** patient-events → the contact copy reminders consult; a whole run of events in one statement. */
export function recordContacts(tx: Executor, events: TypedEvent<'PatientCreated' | 'PatientUpdated'>[]): Promise<void> {
  return upsertContacts(
    tx,
    events.map(({ data }) => {
      const consent = data.contactPreferences ?? defaultContactPreferences;
      return {
        patientId: data.patientId,
        email: data.email,
        phone: data.phone,
        emailAllowed: consent.email,
        smsAllowed: consent.sms,
        ownerUserId: data.ownerUserId,
      };
    }),
  );
}

/** A deleted patient is contacted no more, and their user no longer reads their communications. */
export function forgetContact(tx: Executor, event: TypedEvent<'PatientDeleted'>): Promise<void> {
  const gone = { patientId: event.data.patientId, email: 'deleted@invalid', phone: null, emailAllowed: false, smsAllowed: false, ownerUserId: null };
  return upsertContacts(tx, [gone]);
}

/** Before the patient's first event arrives: the booking's email, with the default consent. */
const fallbackContact = (reminder: ReminderRow): PatientContactRow => ({
  patientId: reminder.patientId,
  email: reminder.appointment.patient.email,
  phone: null,
  emailAllowed: defaultContactPreferences.email,
  smsAllowed: defaultContactPreferences.sms,
  ownerUserId: null,
  updatedAt: new Date(0),
});

/**
 * Queues the messages of every due reminder in one transaction with its claim (see
 * claimDueReminders); the delivery worker, woken by the insert, sends them. Returns how many
 * reminders were claimed.
 */
export async function queueDueReminders(db: Database, limit = 100): Promise<number> {
  return db.transaction(async (tx) => {
    const claimed = await claimDueReminders(tx, limit);
    const queued = claimed.filter((reminder) => reminder.status === 'QUEUED');
    const contacts = await findContacts(tx, [...new Set(queued.map((reminder) => reminder.patientId))]);
    // Each reminder's span sits in the trace of the booking (or reschedule) that asked for it.
    await inStoredTraces('remind', queued.map((reminder) => reminder.traceparent), () => insertNotifications(
      tx,
      queued.flatMap((reminder) =>
        reminderMessages(reminder.appointment, contacts.get(reminder.patientId) ?? fallbackContact(reminder), reminder.offsetSeconds).map(
          (message) => ({
            recipient: message.recipient,
            channel: message.channel,
            type: reminderType,
            patientId: reminder.patientId,
            subject: message.subject,
            bodyText: message.text,
            bodyHtml: message.html,
          }),
        ),
      ),
    ));
    return claimed.length;
  });
}
