import { z } from 'zod';
import { afterValid, dateTimeInput, isoDateTime, PageQuery, pageOf, text, uuid } from '../common.js';
import { Appointment } from './appointment.js';
import { Specialty } from './doctor.js';
import { ResourceRequirement } from './floor.js';

const minutes = (max: number) => z.number().int().min(0).max(max);

/** A kind of visit: how long it takes, the doctor's time around it, what it costs. */
export const AppointmentTypeInput = z.object({
  name: text().trim().min(1).max(200),
  durationMinutes: z.number().int().min(5).max(480),
  /** Doctor's time blocked before the visit (preparation); the patient is not blocked. */
  bufferBeforeMinutes: minutes(240).default(0),
  /** Doctor's time blocked after the visit (notes, cleaning). */
  bufferAfterMinutes: minutes(240).default(0),
  /** Billed instead of the specialty fee; null bills by specialty and duration. */
  priceCents: z.number().int().min(0).max(100_000_000).nullable().default(null),
  /** Only doctors of this specialty offer it; null: any doctor. */
  specialty: Specialty.nullable().default(null),
  active: z.boolean().default(true),
  /** Rooms and devices every visit of this type needs, reserved with the doctor. */
  requiredResources: z.array(ResourceRequirement).max(5).default([]),
});
export type AppointmentTypeInput = z.infer<typeof AppointmentTypeInput>;

export const AppointmentType = z
  .object({
    id: uuid,
    name: z.string(),
    durationMinutes: z.number().int(),
    bufferBeforeMinutes: z.number().int(),
    bufferAfterMinutes: z.number().int(),
    priceCents: z.number().int().nullable(),
    specialty: Specialty.nullable(),
    active: z.boolean(),
    requiredResources: z.array(ResourceRequirement),
  })
  .meta({ id: 'AppointmentType' });
export type AppointmentType = z.infer<typeof AppointmentType>;
export const AppointmentTypeList = z.object({ items: z.array(AppointmentType) });
export const AppointmentTypeListQuery = z.object({
  active: z.enum(['true', 'false']).transform((value) => value === 'true').optional(),
  specialty: Specialty.optional(),
});

/** Rules that bind patient users booking themselves; staff and admins are not bound. */
export const SchedulingPolicy = z
  .object({
    /** A patient books at least this long before the start. */
    minimumNoticeMinutes: z.number().int().min(0).max(525_600),
    /** …and at most this many days ahead. */
    maxAdvanceDays: z.number().int().min(1).max(3_650),
    /** A patient cancels at least this many hours before the start. */
    patientCancelCutoffHours: z.number().int().min(0).max(8_760),
    /** A patient moves an appointment at least this many hours before its (current) start. */
    patientRescheduleCutoffHours: z.number().int().min(0).max(8_760),
  })
  .meta({ id: 'SchedulingPolicy' });
export type SchedulingPolicy = z.infer<typeof SchedulingPolicy>;

/** What applies before an admin sets anything: no limits beyond a year ahead. */
export const defaultSchedulingPolicy: SchedulingPolicy = {
  minimumNoticeMinutes: 0,
  maxAdvanceDays: 365,
  patientCancelCutoffHours: 0,
  patientRescheduleCutoffHours: 0,
};

export const RecurrenceFrequency = z.enum(['DAILY', 'WEEKLY', 'MONTHLY']);
export const Recurrence = z
  .object({
    frequency: RecurrenceFrequency,
    interval: z.number().int().min(1).max(52).default(1),
    /** Occurrences in all, the first included. */
    count: z.number().int().min(1).max(52).optional(),
    /** Last possible start (inclusive); at most 52 occurrences either way. */
    until: dateTimeInput.optional(),
  })
  .refine((r) => (r.count === undefined) !== (r.until === undefined), {
    message: 'give exactly one of count and until',
    path: ['count'],
    ...afterValid,
  });
export type Recurrence = z.infer<typeof Recurrence>;

const inFuture = (value: string) => Date.parse(value) > Date.now();

export const BookSeriesBody = z
  .object({
    patientId: uuid,
    doctorId: uuid,
    startsAt: dateTimeInput.refine(inFuture, { message: 'must be in the future', ...afterValid }),
    appointmentTypeId: uuid.optional(),
    durationMinutes: z.number().int().min(5).max(480).optional(),
    reason: text().trim().max(1000).optional(),
    recurrence: Recurrence,
  })
  .refine((body) => !body.recurrence.until || Date.parse(body.recurrence.until) >= Date.parse(body.startsAt), {
    message: 'must not be before startsAt',
    path: ['recurrence', 'until'],
    ...afterValid,
  });
export const Series = z
  .object({ seriesId: uuid, appointments: z.array(Appointment) })
  .meta({ id: 'AppointmentSeries' });
export type Series = z.infer<typeof Series>;
export const SeriesParams = z.object({ seriesId: uuid });
export const CancelSeriesBody = z.object({
  /** Cancel the occurrences starting at or after this; all remaining ones without it. */
  from: dateTimeInput.optional(),
  reason: text().trim().max(1000).optional(),
});

export const waitlistStatuses = ['WAITING', 'OFFERED', 'BOOKED', 'EXPIRED'] as const;
export const WaitlistStatus = z.enum(waitlistStatuses);
export type WaitlistStatus = z.infer<typeof WaitlistStatus>;

export const WaitlistInput = z
  .object({
    patientId: uuid,
    doctorId: uuid,
    /** The window the patient could come in: a freed slot starting in [from, to) is offered. */
    from: dateTimeInput,
    to: dateTimeInput,
    appointmentTypeId: uuid.optional(),
  })
  .refine((w) => Date.parse(w.from) < Date.parse(w.to), { message: 'must be after from', path: ['to'], ...afterValid })
  .refine((w) => Date.parse(w.to) > Date.now(), { message: 'must be in the future', path: ['to'], ...afterValid });

export const WaitlistEntry = z
  .object({
    id: uuid,
    patientId: uuid,
    doctorId: uuid,
    from: isoDateTime,
    to: isoDateTime,
    appointmentTypeId: uuid.nullable(),
    status: WaitlistStatus,
    /** The slot on offer while OFFERED (the last one offered afterwards). */
    offeredStartsAt: isoDateTime.nullable(),
    offeredEndsAt: isoDateTime.nullable(),
    offerExpiresAt: isoDateTime.nullable(),
    /** The appointment that fulfilled the entry (BOOKED). */
    appointmentId: uuid.nullable(),
    createdAt: isoDateTime,
  })
  .meta({ id: 'WaitlistEntry' });
export type WaitlistEntry = z.infer<typeof WaitlistEntry>;
export const WaitlistListQuery = PageQuery.extend({
  doctorId: uuid.optional(),
  patientId: uuid.optional(),
  status: WaitlistStatus.optional(),
});
export const WaitlistPage = pageOf(WaitlistEntry);
