import { z } from 'zod';
import { isoDate, isoDateTime, uuid } from '../common.js';
import { Specialty } from '../http/doctor.js';
import { BookedResource } from '../http/floor.js';
import { ContactPreferences } from '../http/patient.js';
import { AppointmentTypeInput, SchedulingPolicy } from '../http/scheduling.js';

export const PatientSnapshot = z.object({
  patientId: uuid,
  name: z.string(),
  email: z.email(),
  phone: z.string().nullable(),
  address: z.string().nullable(),
  dateOfBirth: isoDate,
  ownerUserId: uuid.nullable(),
  registeredAt: isoDateTime,
  /** Missing in events written before contact preferences existed: `defaultContactPreferences` applied then. */
  contactPreferences: ContactPreferences.optional(),
});
export const PatientCreated = PatientSnapshot;
export const PatientUpdated = PatientSnapshot;
export const PatientDeleted = z.object({ patientId: uuid });
/**
 * The duplicate (the event's subject, so it follows every event of that record) became a tombstone
 * of the survivor: every service moves what it holds of the duplicate to the survivor. No
 * `patientId`, on purpose: consumers that follow merges rewrite that field in other events.
 */
export const PatientMerged = z.object({
  duplicatePatientId: uuid,
  survivorPatientId: uuid,
  /** The user account whose link moved from the duplicate to the survivor, if any. */
  movedOwnerUserId: uuid.nullable(),
  mergedAt: isoDateTime,
});

export const DoctorSnapshot = z.object({
  doctorId: uuid,
  name: z.string(),
  email: z.email(),
  phone: z.string().nullable(),
  specialty: Specialty,
  active: z.boolean(),
  timeZone: z.string(),
});
export const DoctorCreated = DoctorSnapshot;
export const DoctorUpdated = DoctorSnapshot;

/** Every appointment event carries the whole appointment, so consumers need no lookups. */
export const AppointmentSnapshot = z.object({
  appointmentId: uuid,
  patientId: uuid,
  doctorId: uuid,
  startsAt: isoDateTime,
  endsAt: isoDateTime,
  durationMinutes: z.number().int().positive(),
  reason: z.string().nullable(),
  patient: z.object({ name: z.string(), email: z.email() }),
  doctor: z.object({ name: z.string(), specialty: Specialty, timeZone: z.string() }),
  // Optional: events written before appointment types existed have none of these.
  appointmentTypeId: uuid.nullable().optional(),
  seriesId: uuid.nullable().optional(),
  /** The doctor's time blocked around [startsAt, endsAt). */
  bufferBeforeMinutes: z.number().int().nonnegative().optional(),
  bufferAfterMinutes: z.number().int().nonnegative().optional(),
  /** The type's price; billing charges it instead of the specialty fee. */
  priceCents: z.number().int().nonnegative().nullable().optional(),
  /** Where, and the rooms and devices reserved (for the visit with its buffers). */
  locationId: uuid.nullable().optional(),
  resources: z.array(BookedResource).optional(),
});
export const AppointmentBooked = AppointmentSnapshot;
export const AppointmentCancelled = AppointmentSnapshot.extend({
  cancellationReason: z.string().nullable(),
  cancelledBy: z.string(),
});
export const AppointmentRescheduled = AppointmentSnapshot.extend({
  previousStartsAt: isoDateTime,
  previousEndsAt: isoDateTime,
});
export const AppointmentCompleted = AppointmentSnapshot;
export const AppointmentNoShow = AppointmentSnapshot;

/** The whole type after a create, update or delete (deleted: true), for read models (doctor). */
export const AppointmentTypeChanged = AppointmentTypeInput.extend({ appointmentTypeId: uuid, deleted: z.boolean() });
export const SchedulingPolicyChanged = SchedulingPolicy;

const WaitlistSlot = z.object({
  entryId: uuid,
  patientId: uuid,
  doctorId: uuid,
  startsAt: isoDateTime,
  endsAt: isoDateTime,
  doctor: z.object({ name: z.string(), specialty: Specialty, timeZone: z.string() }),
});
/** A freed slot is offered to a waiting patient until expiresAt. */
export const WaitlistSlotOffered = WaitlistSlot.extend({
  expiresAt: isoDateTime,
  patient: z.object({ name: z.string(), email: z.email() }),
});
/** The offer lapsed unused: the slot passes to the next entry. */
export const WaitlistOfferExpired = WaitlistSlot;

export const BillingAccountCreated = z.object({
  accountId: uuid,
  patientId: uuid,
  name: z.string(),
  email: z.email(),
});

export const PaymentMethod = z.enum(['CARD', 'CASH', 'INSURANCE']);
export const InvoiceSnapshot = z.object({
  invoiceId: uuid,
  appointmentId: uuid,
  patientId: uuid,
  doctorId: uuid,
  specialty: Specialty,
  amountCents: z.number().int().nonnegative(),
  currency: z.string().length(3),
  dueDate: isoDate,
  patient: z.object({ name: z.string(), email: z.email() }),
});
export const InvoiceGenerated = InvoiceSnapshot;
export const InvoicePaid = InvoiceSnapshot.extend({ method: PaymentMethod, paidAt: isoDateTime });
export const InvoiceVoided = InvoiceSnapshot.extend({ voidReason: z.string() });

/**
 * A user asked to prove their email: notification mails them the link. The token is the
 * secret itself (auth stores only its hash); it is single-use and expires at `expiresAt`.
 */
export const EmailVerificationRequested = z.object({
  userId: uuid,
  email: z.email(),
  name: z.string().nullable(),
  token: z.string().min(20),
  /** The page of the console that verifies it: `<PUBLIC_URL>/verify-email?token=…`. */
  link: z.url(),
  expiresAt: isoDateTime,
});

/**
 * Access tokens of the user issued before `notBefore` (seconds since the epoch, the unit of
 * `iat`) no longer count: logout, a disabled or a deleted account.
 */
export const UserTokensRevoked = z.object({
  userId: uuid,
  notBefore: z.number().int().positive(),
  reason: z.enum(['LOGOUT', 'DISABLED', 'DELETED']),
});
