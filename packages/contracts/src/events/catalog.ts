import { z } from 'zod';
import * as payloads from './payloads.js';

export const topics = {
  patient: 'patient-events',
  doctor: 'doctor-events',
  appointment: 'appointment-events',
  billing: 'billing-events',
} as const;
/**
 * auth's topics, apart from the domain topics: analytics and its event store never read them
 * (a verification event carries a secret). Revocations have a topic of their own because every
 * service replays it from the start to know which access tokens no longer count.
 */
export const authTopics = {
  events: 'auth-events',
  revocations: 'auth-revocations',
} as const;
export type Topic = (typeof topics)[keyof typeof topics] | (typeof authTopics)[keyof typeof authTopics];
/** The domain topics (not auth's). */
export const allTopics = Object.values(topics);
export const deadLetterTopic = (topic: string) => `${topic}.dlq`;

/** Every event type: its payload schema, its topic and its schema version. */
export const eventCatalog = {
  PatientCreated: { topic: topics.patient, version: 1, data: payloads.PatientCreated },
  PatientUpdated: { topic: topics.patient, version: 1, data: payloads.PatientUpdated },
  PatientDeleted: { topic: topics.patient, version: 1, data: payloads.PatientDeleted },
  PatientMerged: { topic: topics.patient, version: 1, data: payloads.PatientMerged },
  DoctorCreated: { topic: topics.doctor, version: 1, data: payloads.DoctorCreated },
  DoctorUpdated: { topic: topics.doctor, version: 1, data: payloads.DoctorUpdated },
  AppointmentBooked: { topic: topics.appointment, version: 1, data: payloads.AppointmentBooked },
  AppointmentCancelled: { topic: topics.appointment, version: 1, data: payloads.AppointmentCancelled },
  AppointmentRescheduled: { topic: topics.appointment, version: 1, data: payloads.AppointmentRescheduled },
  AppointmentCompleted: { topic: topics.appointment, version: 1, data: payloads.AppointmentCompleted },
  AppointmentNoShow: { topic: topics.appointment, version: 1, data: payloads.AppointmentNoShow },
  AppointmentTypeChanged: { topic: topics.appointment, version: 1, data: payloads.AppointmentTypeChanged },
  SchedulingPolicyChanged: { topic: topics.appointment, version: 1, data: payloads.SchedulingPolicyChanged },
  WaitlistSlotOffered: { topic: topics.appointment, version: 1, data: payloads.WaitlistSlotOffered },
  WaitlistOfferExpired: { topic: topics.appointment, version: 1, data: payloads.WaitlistOfferExpired },
  BillingAccountCreated: { topic: topics.billing, version: 1, data: payloads.BillingAccountCreated },
  InvoiceGenerated: { topic: topics.billing, version: 1, data: payloads.InvoiceGenerated },
  InvoicePaid: { topic: topics.billing, version: 1, data: payloads.InvoicePaid },
  InvoiceVoided: { topic: topics.billing, version: 1, data: payloads.InvoiceVoided },
  EmailVerificationRequested: { topic: authTopics.events, version: 1, data: payloads.EmailVerificationRequested },
  UserTokensRevoked: { topic: authTopics.revocations, version: 1, data: payloads.UserTokensRevoked },
} as const;

export type EventType = keyof typeof eventCatalog;
export const eventTypes = Object.keys(eventCatalog) as EventType[];
export type EventData<T extends EventType> = z.infer<(typeof eventCatalog)[T]['data']>;
