import type { Communication } from '@medplum/fhirtypes';
import type { NotificationRow } from '../db/schema.js';
import { reminderType } from '../domain/reminders.js';

/** Why a message was sent: the event type that caused it (AppointmentBooked…), AppointmentReminder or ManualEmail. */
export const notificationTypeSystem = 'https://pms.example.org/fhir/CodeSystem/notification-type';

const media = {
  EMAIL: { code: 'EMAILWRIT', display: 'email' },
  SMS: { code: 'SMSWRIT', display: 'SMS message' },
} as const;

/**
 * Delivery state in FHIR's event statuses: SENT is `completed`; PENDING (queued) and FAILED with
 * an attempt still to come are `in-progress`; FAILED with no attempt left is `not-done`, the last
 * error as its reason.
 */
export function communicationStatusOf(row: Pick<NotificationRow, 'status' | 'nextAttemptAt'>): Communication['status'] {
  if (row.status === 'SENT') return 'completed';
  if (row.status === 'FAILED' && row.nextAttemptAt === null) return 'not-done';
  return 'in-progress';
}

/**
 * A logged message as a Communication: about (`subject`) and to (`recipient`, the address as its
 * display) the patient the event named; what it said as `topic` (the subject line) and payload
 * (the plain-text body); a reminder in the category `reminder`, everything else `notification`.
 */
export function toCommunication(row: NotificationRow): Communication {
  const communication: Communication = {
    resourceType: 'Communication',
    id: row.id,
    meta: { lastUpdated: (row.sentAt ?? row.createdAt).toISOString() },
    status: communicationStatusOf(row),
    category: [
      {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/communication-category', code: row.type === reminderType ? 'reminder' : 'notification' },
        ],
      },
    ],
    medium: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationMode', ...media[row.channel] }] }],
    reasonCode: [{ coding: [{ system: notificationTypeSystem, code: row.type }], text: row.type }],
    payload: [{ contentString: row.bodyText }],
  };
  if (row.patientId) {
    communication.subject = { reference: `Patient/${row.patientId}` };
    communication.recipient = [{ reference: `Patient/${row.patientId}`, display: row.recipient }];
  } else {
    communication.recipient = [{ display: row.recipient }];
  }
  if (row.subject) communication.topic = { text: row.subject };
  if (row.sentAt) communication.sent = row.sentAt.toISOString();
  if (communication.status === 'not-done' && row.error) communication.statusReason = { text: row.error };
  return communication;
}
