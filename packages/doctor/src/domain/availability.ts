import type { Availability as AvailabilitySchema, Doctor, UnavailabilityReason } from '@pms/contracts';
import type { z } from 'zod';
import { listBookedPeriods } from '../db/booked-slots.js';
import { findDoctor, findDoctorForCheck, type LocationHours } from '../db/doctors.js';
import type { DoctorRow } from '../db/schema.js';
import { findAppointmentType, readPolicy } from '../db/scheduling-copies.js';
import { listTimeOff } from '../db/time-off.js';
import { doctorNotFound, toDoctor } from './doctors.js';
import { blockHolding, isOpen, visitSlots, type VisitShape, type WeeklySchedule } from './slots.js';
import { findCandidates } from '../db/resources.js';
import { findLocationsAndDefault } from '../db/locations.js';
import type { OpeningHours, Openings } from './opening-hours.js';
import type { RequirementRow, ResourceRow } from '../db/schema.js';
import { floorFitFor } from './floor-fit.js';
import { notFound, type Actor } from '@pms/platform/domain';
import type { DoctorContext } from './context.js';

type AvailabilityDto = z.output<typeof AvailabilitySchema>;

export interface AvailabilityCheck {
  available: boolean;
  /** Why not; undefined when available. */
  reason?: UnavailabilityReason;
  doctor?: Doctor;
  /** The block's location when it names one (none: the default location). */
  location?: { id: string; timeZone: string };
  /** Resources fitting the requirements asked, usable there and free of maintenance (bookings are appointment's to check). */
  candidates: ResourceRow[];
}

export const weeklySchedule = (row: DoctorRow): WeeklySchedule => ({
  timeZone: row.timeZone,
  slotMinutes: row.slotMinutes,
  hours: row.workingHours,
});

/** Locations' opening hours, keyed as slots.ts looks them up (null: the default location). */
function openingsOf(rows: LocationHours[]): Openings {
  const openings = new Map<string | null, OpeningHours>();
  for (const row of rows) {
    const opening = { timeZone: row.timeZone, hours: row.openingHours };
    openings.set(row.id, opening);
    if (row.isDefault) openings.set(null, opening);
  }
  return openings;
}

/** The opening hours of these locations and of the default one. */
export async function openingsAt(ctx: DoctorContext, locationIds: (string | null | undefined)[]): Promise<Openings> {
  const named = [...new Set(locationIds.filter((id): id is string => typeof id === 'string'))];
  return openingsOf(await findLocationsAndDefault(ctx.db, named));
}

/** The doctor's weekly schedule with the opening hours of every location its blocks are held at. */
export async function scheduleWithOpenings(ctx: DoctorContext, row: DoctorRow): Promise<WeeklySchedule> {
  const openings = await openingsAt(ctx, row.workingHours.map((block) => block.locationId ?? null));
  return { ...weeklySchedule(row), openings };
}

export interface FreeSlotQuery {
  from: Date;
  to: Date;
  appointmentTypeId?: string;
}

/** Longest buffer a type may have (contracts: 240 minutes), as the look-around for bookings. */
const reach = 240 * 60_000;

export const toPeriod = (entry: { startsAt: Date; endsAt: Date }) => ({ start: entry.startsAt.getTime(), end: entry.endsAt.getTime() });
const iso = (ms: number) => new Date(ms).toISOString();

// Free slots for people choosing a time, and the check appointment makes before it books.

/**
 * The schedule's slots inside [from, to) and inside the opening hours of their location, minus
 * time off, booked appointments (with their buffers) and the past. With an appointment type, the
 * slots where a visit of that type fits with its buffers (none when the type is not for this
 * doctor's specialty or not bookable).
 * For a patient user, only what the booking policy lets them book. An inactive doctor has none.
 */
export async function freeSlots(ctx: DoctorContext, actor: Actor, doctorId: string, { from, to, appointmentTypeId }: FreeSlotQuery): Promise<AvailabilityDto> {
  const forPatient = actor.principal.role === 'patient';
  const [row, type, policy] = await Promise.all([
    findDoctor(ctx.db, doctorId),
    appointmentTypeId ? findAppointmentType(ctx.db, appointmentTypeId) : undefined,
    forPatient ? readPolicy(ctx.db) : undefined,
  ]);
  if (!row) throw doctorNotFound(doctorId);
  if (appointmentTypeId && (!type || type.deleted)) {
    throw notFound(`Appointment type ${appointmentTypeId} not found`, 'APPOINTMENT_TYPE_NOT_FOUND');
  }
  if (!row.active || (type && (!type.active || (type.specialty && type.specialty !== row.specialty)))) return { slots: [] };
  const now = ctx.now().getTime();
  const window = { start: from.getTime(), end: to.getTime() };
  if (policy) {
    window.start = Math.max(window.start, now + policy.minimumNoticeMinutes * 60_000);
    window.end = Math.min(window.end, now + policy.maxAdvanceDays * 86_400_000);
    if (window.start >= window.end) return { slots: [] };
  }
  // Buffers reach outside the window: look that far for bookings that block it.
  const around = { from: new Date(from.getTime() - reach), to: new Date(to.getTime() + reach) };
  const [timeOff, booked, floorFits, schedule] = await Promise.all([
    listTimeOff(ctx.db, doctorId, { from, to }),
    listBookedPeriods(ctx.db, doctorId, around.from, around.to),
    floorFitFor(ctx, type?.requiredResources ?? [], around.from, around.to),
    scheduleWithOpenings(ctx, row),
  ]);
  const visit: VisitShape = type ?? { durationMinutes: row.slotMinutes, bufferBeforeMinutes: 0, bufferAfterMinutes: 0 };
  const slots = visitSlots(schedule, window, [...timeOff, ...booked].map(toPeriod), now, visit, floorFits);
  return { slots: slots.map((slot) => ({ startsAt: iso(slot.start), endsAt: iso(slot.end) })) };
}

/**
 * Whether the doctor works in [startsAt, endsAt): known, active, on the slot grid of one
 * working-hours block, not on time off, and the block's location open then (else
 * OUTSIDE_OPENING_HOURS; its hours come with the doctor, in the same query). Bookings are not
 * checked: appointment's database rules out double booking, and this view of them is only eventually consistent. With
 * requirements, one more query lists the fitting resources at the block's location that are not
 * under maintenance (NO_RESOURCE when some requirement has none); appointment picks free ones.
 */
export async function checkAvailability(
  ctx: DoctorContext,
  doctorId: string,
  startsAt: Date,
  endsAt: Date,
  required: RequirementRow[] = [],
): Promise<AvailabilityCheck> {
  const row = await findDoctorForCheck(ctx.db, doctorId, { startsAt, endsAt });
  if (!row) return { available: false, reason: 'UNKNOWN_DOCTOR', candidates: [] };
  const doctor = toDoctor(row);
  if (!row.active) return { available: false, reason: 'INACTIVE', doctor, candidates: [] };
  const schedule = weeklySchedule(row);
  const period = toPeriod({ startsAt, endsAt });
  const block = blockHolding(schedule, period);
  if (!block) return { available: false, reason: 'OUTSIDE_SCHEDULE', doctor, candidates: [] };
  if (row.onTimeOff) return { available: false, reason: 'TIME_OFF', doctor, candidates: [] };
  const hours = row.workingHours.find((entry) => entry.locationId === block.locationId);
  const location = block.locationId ? { id: block.locationId, timeZone: hours?.timeZone ?? row.timeZone } : undefined;
  if (!isOpen({ ...schedule, openings: openingsOf(row.locationHours) }, period, block)) {
    return { available: false, reason: 'OUTSIDE_OPENING_HOURS', doctor, location, candidates: [] };
  }
  const candidates = await findCandidates(ctx.db, required, block.locationId, startsAt, endsAt);
  if (required.some((need) => !candidates.some((c) => c.category === need.category && c.kind === need.kind))) {
    return { available: false, reason: 'NO_RESOURCE', doctor, location, candidates: [] };
  }
  return { available: true, doctor, location, candidates };
}
