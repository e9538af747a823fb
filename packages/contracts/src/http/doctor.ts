import { z } from 'zod';
import { afterValid, dateTimeInput, isoDateTime, normalizedEmail, PageQuery, pageOf, text, uuid } from '../common.js';

export const specialties = [
  'GENERAL_PRACTICE',
  'CARDIOLOGY',
  'DERMATOLOGY',
  'PEDIATRICS',
  'ORTHOPEDICS',
  'NEUROLOGY',
  'PSYCHIATRY',
  'GYNECOLOGY',
] as const;
export const Specialty = z.enum(specialties);
export type Specialty = z.infer<typeof Specialty>;

export const DoctorInput = z.object({
  name: text().trim().min(1).max(200),
  email: normalizedEmail,
  phone: text().trim().regex(/^\+?[0-9 ()-]{5,20}$/, 'must be a phone number').nullable().optional(),
  specialty: Specialty,
  active: z.boolean().default(true),
});

export const Doctor = z
  .object({
    id: uuid,
    name: z.string(),
    email: z.string(),
    phone: z.string().nullable(),
    specialty: Specialty,
    active: z.boolean(),
    timeZone: z.string(),
    createdAt: isoDateTime,
  })
  .meta({ id: 'Doctor' });
export type Doctor = z.infer<typeof Doctor>;

export const DoctorListQuery = PageQuery.extend({
  specialty: Specialty.optional(),
  active: z.enum(['true', 'false']).transform((value) => value === 'true').optional(),
  q: text().trim().max(200).optional(),
});
export const DoctorPage = pageOf(Doctor);

const clockTime = text().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24h)');
export const isTimeZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

/** A weekly block of clock times (working hours, a location's opening hours). */
export const WeeklyHours = z
  .object({ weekday: z.number().int().min(1).max(7).describe('1 = Monday … 7 = Sunday'), start: clockTime, end: clockTime })
  .refine((hours) => hours.start < hours.end, { message: 'start must be before end', path: ['end'], ...afterValid });

export const WorkingHours = z
  .object({
    weekday: z.number().int().min(1).max(7).describe('1 = Monday … 7 = Sunday'),
    start: clockTime,
    end: clockTime,
    /** Where the doctor works in this block, in that location's time zone; none: the default location, in the schedule's time zone. */
    locationId: uuid.optional(),
  })
  .refine((hours) => hours.start < hours.end, { message: 'start must be before end', path: ['end'], ...afterValid });

export const ScheduleInput = z.object({
  timeZone: text().refine(isTimeZone, { message: 'must be an IANA time zone', ...afterValid }),
  slotMinutes: z.number().int().min(5).max(240),
  hours: z.array(WorkingHours).max(50),
});
export const Schedule = ScheduleInput.extend({ doctorId: uuid }).meta({ id: 'Schedule' });

export const TimeOffInput = z
  .object({ startsAt: dateTimeInput, endsAt: dateTimeInput, reason: text().max(500).optional() })
  .refine((t) => Date.parse(t.startsAt) < Date.parse(t.endsAt), { message: 'must be after startsAt', path: ['endsAt'], ...afterValid });
export const TimeOff = z.object({
  id: uuid,
  doctorId: uuid,
  startsAt: isoDateTime,
  endsAt: isoDateTime,
  reason: z.string().nullable(),
});
export const TimeOffParams = z.object({ id: uuid, timeOffId: uuid });
/** Optional window: only time off overlapping [from, to) is listed. */
export const TimeOffQuery = z
  .object({ from: dateTimeInput.optional(), to: dateTimeInput.optional() })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { message: 'must be after from', path: ['to'], ...afterValid });
export const TimeOffList = z.object({ items: z.array(TimeOff) });

export const AvailabilityQuery = z
  .object({
    from: dateTimeInput,
    to: dateTimeInput,
    /** Only starts where a visit of this type fits, with its buffers (slots are as long as the visit). */
    appointmentTypeId: uuid.optional(),
  })
  .refine((q) => Date.parse(q.from) < Date.parse(q.to), { message: 'must be after from', path: ['to'], ...afterValid })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 31 * 86_400_000, {
    message: 'window must be at most 31 days',
    path: ['to'],
    ...afterValid,
  });
export const Slot = z.object({ startsAt: isoDateTime, endsAt: isoDateTime });
export const Availability = z.object({ slots: z.array(Slot) });

export const unavailabilityReasons = ['UNKNOWN_DOCTOR', 'INACTIVE', 'OUTSIDE_SCHEDULE', 'OUTSIDE_OPENING_HOURS', 'TIME_OFF', 'NO_RESOURCE'] as const;
export const UnavailabilityReason = z.enum(unavailabilityReasons);
export type UnavailabilityReason = z.infer<typeof UnavailabilityReason>;
