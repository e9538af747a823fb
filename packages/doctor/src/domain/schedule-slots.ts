import { notFound, type Actor } from '@pms/platform/domain';
import { listBookedPeriods } from '../db/booked-slots.js';
import { findDoctor } from '../db/doctors.js';
import type { DoctorRow } from '../db/schema.js';
import { readPolicy } from '../db/scheduling-copies.js';
import { listTimeOff } from '../db/time-off.js';
import { scheduleWithOpenings, toPeriod } from './availability.js';
import type { DoctorContext } from './context.js';
import { fitsSchedule, gridSlots, slotState, type Period, type SlotState, type StatedSlot, type SlotSurroundings } from './slots.js';

// Every slot of a doctor's schedule with its state (FHIR's Slot): computed from the weekly hours
// (within their locations' opening hours), time off, the booked-slot view and, for patient users,
// the booking policy, like freeSlots.

/** What may be booked at all, for this caller: a patient user only what the policy allows. */
async function bookablePeriod(ctx: DoctorContext, actor: Actor, row: DoctorRow): Promise<Period | undefined> {
  if (!row.active) return undefined;
  const now = ctx.now().getTime();
  if (actor.principal.role !== 'patient') return { start: now, end: Number.POSITIVE_INFINITY };
  const policy = await readPolicy(ctx.db);
  return { start: now + policy.minimumNoticeMinutes * 60_000, end: now + policy.maxAdvanceDays * 86_400_000 };
}

/** Time off, bookings and what is bookable around the slots in `span`. */
async function surroundings(ctx: DoctorContext, actor: Actor, row: DoctorRow, span: Period): Promise<SlotSurroundings> {
  const from = new Date(span.start);
  const to = new Date(span.end);
  const [away, booked, bookable] = await Promise.all([
    listTimeOff(ctx.db, row.id, { from, to }),
    listBookedPeriods(ctx.db, row.id, from, to),
    bookablePeriod(ctx, actor, row),
  ]);
  return { away: away.map(toPeriod), booked: booked.map(toPeriod), bookable };
}

export interface DoctorSlots {
  doctor: DoctorRow;
  slots: StatedSlot[];
}

/**
 * The doctor's slots starting in [from, to), earliest first, each with its state; only those in
 * `states` when given. Any role may look (like availability). Undefined for an unknown doctor.
 */
export async function scheduleSlots(
  ctx: DoctorContext,
  actor: Actor,
  doctorId: string,
  window: { from: Date; to: Date },
  states?: readonly SlotState[],
): Promise<DoctorSlots | undefined> {
  const row = await findDoctor(ctx.db, doctorId);
  if (!row) return undefined;
  const grid = gridSlots(await scheduleWithOpenings(ctx, row), { start: window.from.getTime(), end: window.to.getTime() });
  if (grid.length === 0) return { doctor: row, slots: [] };
  const around = await surroundings(ctx, actor, row, { start: grid[0]!.start, end: grid.at(-1)!.end });
  const slots = grid
    .map((slot) => ({ ...slot, doctorId: row.id, state: slotState(slot, around) }))
    .filter((slot) => !states || states.includes(slot.state));
  return { doctor: row, slots };
}

const noSuchSlot = () => notFound('Slot not found', 'SLOT_NOT_FOUND');

/**
 * One slot by its period: it exists while the period lies on the doctor's slot grid (starts on
 * a slot boundary of a working-hours block and ends inside it), whatever its length, so the
 * period of an appointment of a longer type is a slot too. 404 otherwise, or for an unknown doctor.
 */
export async function slotAt(ctx: DoctorContext, actor: Actor, key: { doctorId: string; start: Date; minutes: number }): Promise<DoctorSlots> {
  const row = await findDoctor(ctx.db, key.doctorId);
  const period = { start: key.start.getTime(), end: key.start.getTime() + key.minutes * 60_000 };
  if (!row || !fitsSchedule(await scheduleWithOpenings(ctx, row), period)) throw noSuchSlot();
  const state = slotState(period, await surroundings(ctx, actor, row, period));
  return { doctor: row, slots: [{ ...period, doctorId: row.id, state }] };
}
