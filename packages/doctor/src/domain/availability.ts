import type { Availability as AvailabilitySchema, Doctor, UnavailabilityReason } from '@pms/contracts';
import type { z } from 'zod';
import type { Database } from '../db/database.js';
import { listBookedPeriods } from '../db/booked-slots.js';
import { findDoctor, findDoctorForCheck } from '../db/doctors.js';
import type { DoctorRow } from '../db/schema.js';
import { findAppointmentType, readPolicy } from '../db/scheduling-copies.js';
import { listTimeOff } from '../db/time-off.js';
import { doctorNotFound, toDoctor } from './doctors.js';
import { fitsSchedule, visitSlots, type VisitShape, type WeeklySchedule } from './slots.js';
import { notFound } from '@pms/platform/domain';

type AvailabilityDto = z.output<typeof AvailabilitySchema>;

export interface AvailabilityCheck {
  available: boolean;
  /** Why not; undefined when available. */
  reason?: UnavailabilityReason;
  doctor?: Doctor;
}

const weeklySchedule = (row: DoctorRow): WeeklySchedule => ({
  timeZone: row.timeZone,
  slotMinutes: row.slotMinutes,
  hours: row.workingHours,
});

export interface FreeSlotOptions {
  appointmentTypeId?: string;
  /** A patient user asks: the booking policy's notice and advance limits apply. */
  forPatient?: boolean;
}

/** Longest buffer a type may have (contracts: 240 minutes), as the look-around for bookings. */
const reach = 240 * 60_000;

const toPeriod = (entry: { startsAt: Date; endsAt: Date }) => ({ start: entry.startsAt.getTime(), end: entry.endsAt.getTime() });
const iso = (ms: number) => new Date(ms).toISOString();

/** Free slots for people choosing a time, and the check appointment makes before it books. */
export class Availability {
  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The schedule's slots inside [from, to), minus time off, booked appointments (with their
   * buffers) and the past. With an appointment type, the slots where a visit of that type fits
   * with its buffers (none when the type is not for this doctor's specialty or not bookable).
   * For a patient, only what the booking policy lets them book. An inactive doctor has none.
   */
  async freeSlots(doctorId: string, from: Date, to: Date, options: FreeSlotOptions = {}): Promise<AvailabilityDto> {
    const [row, type, policy] = await Promise.all([
      findDoctor(this.db, doctorId),
      options.appointmentTypeId ? findAppointmentType(this.db, options.appointmentTypeId) : undefined,
      options.forPatient ? readPolicy(this.db) : undefined,
    ]);
    if (!row) throw doctorNotFound(doctorId);
    if (options.appointmentTypeId && (!type || type.deleted)) {
      throw notFound(`Appointment type ${options.appointmentTypeId} not found`, 'APPOINTMENT_TYPE_NOT_FOUND');
    }
    if (!row.active || (type && (!type.active || (type.specialty && type.specialty !== row.specialty)))) return { slots: [] };
    const now = this.now();
    const window = { start: from.getTime(), end: to.getTime() };
    if (policy) {
      window.start = Math.max(window.start, now + policy.minimumNoticeMinutes * 60_000);
      window.end = Math.min(window.end, now + policy.maxAdvanceDays * 86_400_000);
      if (window.start >= window.end) return { slots: [] };
    }
    const [timeOff, booked] = await Promise.all([
      listTimeOff(this.db, doctorId, { from, to }),
      // Buffers reach outside the window: look that far for bookings that block it.
      listBookedPeriods(this.db, doctorId, new Date(from.getTime() - reach), new Date(to.getTime() + reach)),
    ]);
    const visit: VisitShape = type ?? { durationMinutes: row.slotMinutes, bufferBeforeMinutes: 0, bufferAfterMinutes: 0 };
    const slots = visitSlots(weeklySchedule(row), window, [...timeOff, ...booked].map(toPeriod), now, visit);
    return { slots: slots.map((slot) => ({ startsAt: iso(slot.start), endsAt: iso(slot.end) })) };
  }

  /**
   * Whether the doctor works in [startsAt, endsAt): known, active, on the slot grid of one
   * working-hours block, and not on time off. Bookings are not checked: appointment's database
   * rules out double booking, and this view of them is only eventually consistent.
   */
  async check(doctorId: string, startsAt: Date, endsAt: Date): Promise<AvailabilityCheck> {
    const row = await findDoctorForCheck(this.db, doctorId, { startsAt, endsAt });
    if (!row) return { available: false, reason: 'UNKNOWN_DOCTOR' };
    const doctor = toDoctor(row);
    if (!row.active) return { available: false, reason: 'INACTIVE', doctor };
    if (!fitsSchedule(weeklySchedule(row), toPeriod({ startsAt, endsAt }))) return { available: false, reason: 'OUTSIDE_SCHEDULE', doctor };
    if (row.onTimeOff) return { available: false, reason: 'TIME_OFF', doctor };
    return { available: true, doctor };
  }
}
