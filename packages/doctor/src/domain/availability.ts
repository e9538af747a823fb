import type { Availability as AvailabilitySchema, Doctor, UnavailabilityReason } from '@pms/contracts';
import type { z } from 'zod';
import type { Database } from '../db/database.js';
import { listBookedPeriods } from '../db/booked-slots.js';
import { findDoctor, findDoctorForCheck } from '../db/doctors.js';
import type { DoctorRow } from '../db/schema.js';
import { listTimeOff } from '../db/time-off.js';
import { doctorNotFound, toDoctor } from './doctors.js';
import { fitsSchedule, freeSlots, type WeeklySchedule } from './slots.js';

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

const toPeriod = (entry: { startsAt: Date; endsAt: Date }) => ({ start: entry.startsAt.getTime(), end: entry.endsAt.getTime() });
const iso = (ms: number) => new Date(ms).toISOString();

/** Free slots for people choosing a time, and the check appointment makes before it books. */
export class Availability {
  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The schedule's slots inside [from, to), minus time off, booked appointments and the past.
   * An inactive doctor has none.
   */
  async freeSlots(doctorId: string, from: Date, to: Date): Promise<AvailabilityDto> {
    const row = await findDoctor(this.db, doctorId);
    if (!row) throw doctorNotFound(doctorId);
    if (!row.active) return { slots: [] };
    const [timeOff, booked] = await Promise.all([
      listTimeOff(this.db, doctorId, { from, to }),
      listBookedPeriods(this.db, doctorId, from, to),
    ]);
    const window = { start: from.getTime(), end: to.getTime() };
    const slots = freeSlots(weeklySchedule(row), window, [...timeOff, ...booked].map(toPeriod), this.now());
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
