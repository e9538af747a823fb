import { DateTime } from 'luxon';
import { openingCheck, wallClock, type Openings } from './opening-hours.js';

/** A half-open period [start, end) in epoch milliseconds. */
export interface Period {
  start: number;
  end: number;
}

export interface WorkingHours {
  /** 1 = Monday … 7 = Sunday (ISO, as luxon counts). */
  weekday: number;
  /** HH:MM, wall-clock time in the schedule's time zone. */
  start: string;
  end: string;
  /** At this location, in its time zone (both absent: the default location, in the schedule's zone). */
  locationId?: string;
  timeZone?: string;
}

/** A working-hours block as an absolute period, with where it is held (null: the default location). */
export interface Block extends Period {
  locationId: string | null;
}

export interface WeeklySchedule {
  timeZone: string;
  slotMinutes: number;
  hours: WorkingHours[];
  /** The opening hours of the blocks' locations: no slot lies outside them (none given: always open). */
  openings?: Openings;
}

const minuteMs = 60_000;

/**
 * The working-hours blocks, as absolute periods, of every local day the window touches; each
 * block in its own location's time zone (the schedule's without one). Only blocks overlapping
 * the window, earliest first.
 */
export function workingBlocks(schedule: WeeklySchedule, window: Period): Block[] {
  const blocks: Block[] = [];
  const zones = new Set(schedule.hours.map((hours) => hours.timeZone ?? schedule.timeZone));
  for (const zone of zones) {
    const lastDay = DateTime.fromMillis(window.end, { zone }).startOf('day');
    for (let day = DateTime.fromMillis(window.start, { zone }).startOf('day'); day <= lastDay; day = day.plus({ days: 1 })) {
      for (const hours of schedule.hours) {
        if (hours.weekday !== day.weekday || (hours.timeZone ?? schedule.timeZone) !== zone) continue;
        const block = { start: wallClock(day, hours.start), end: wallClock(day, hours.end), locationId: hours.locationId ?? null };
        if (block.start < window.end && block.end > window.start && block.start < block.end) blocks.push(block);
      }
    }
  }
  return blocks.sort((a, b) => a.start - b.start);
}

/**
 * Every block cut into slots of slotMinutes from its start, in real elapsed time: a block that
 * spans a daylight-saving change has one slot more or less, never a slot of the wrong length.
 */
export function slotsOf(blocks: Period[], slotMinutes: number): Period[] {
  const length = slotMinutes * minuteMs;
  const slots: Period[] = [];
  for (const block of blocks) {
    for (let start = block.start; start + length <= block.end; start += length) slots.push({ start, end: start + length });
  }
  return slots;
}

export const overlaps = (a: Period, b: Period) => a.start < b.end && b.start < a.end;

/**
 * The schedule's slots that lie inside the window, start at or after `now` and overlap none
 * of the busy periods (time off, booked appointments).
 */
export function freeSlots(schedule: WeeklySchedule, window: Period, busy: Period[], now: number): Period[] {
  const sortedBusy = [...busy].sort((a, b) => a.start - b.start);
  let next = 0;
  return slotsOf(workingBlocks(schedule, window), schedule.slotMinutes).filter((slot) => {
    if (slot.start < window.start || slot.end > window.end || slot.start < now) return false;
    // Slots come in order: busy periods that ended before this slot cannot touch later ones.
    while (next < sortedBusy.length && sortedBusy[next]!.end <= slot.start) next += 1;
    for (let i = next; i < sortedBusy.length && sortedBusy[i]!.start < slot.end; i += 1) {
      if (overlaps(slot, sortedBusy[i]!)) return false;
    }
    return true;
  });
}

/** A visit of a given length with the doctor's time it blocks before and after. */
export interface VisitShape {
  durationMinutes: number;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
}

/**
 * Starts on the schedule's slot grid where the visit fits: the visit itself inside one
 * working-hours block, the opening hours of its location and the window, starting at or after
 * `now`, and the visit with its buffers clear of every busy period (time off, booked appointments
 * with their buffers).
 */
export function visitSlots(
  schedule: WeeklySchedule,
  window: Period,
  busy: Period[],
  now: number,
  visit: VisitShape,
  /** Whether the floor has what the visit needs at the block's location for the buffered period (rooms, devices). */
  floorFits: (blocked: Period, locationId: string | null) => boolean = () => true,
): Period[] {
  const step = schedule.slotMinutes * minuteMs;
  const length = visit.durationMinutes * minuteMs;
  const before = visit.bufferBeforeMinutes * minuteMs;
  const after = visit.bufferAfterMinutes * minuteMs;
  const slots: Period[] = [];
  const open = openingCheck(schedule.openings, window);
  for (const block of workingBlocks(schedule, window)) {
    for (let start = block.start; start + length <= block.end; start += step) {
      const slot = { start, end: start + length };
      if (slot.start < window.start || slot.end > window.end || slot.start < now || !open(slot, block.locationId)) continue;
      const blocked = { start: start - before, end: slot.end + after };
      if (!busy.some((period) => overlaps(blocked, period)) && floorFits(blocked, block.locationId)) slots.push(slot);
    }
  }
  return slots;
}

/**
 * Whether an appointment fits the schedule: it starts on a slot boundary of a working-hours
 * block, ends inside that same block and lies inside its location's opening hours. Its length is
 * the caller's business (appointment decides durations); a longer appointment spans several slots.
 */
export function fitsSchedule(schedule: WeeklySchedule, period: Period): boolean {
  const block = blockHolding(schedule, period);
  return block !== undefined && isOpen(schedule, period, block);
}

/** Whether the period lies inside the opening hours of the block's location. */
export function isOpen(schedule: WeeklySchedule, period: Period, block: Block): boolean {
  return openingCheck(schedule.openings, period)(period, block.locationId);
}

/** The working-hours block an appointment fits in (see fitsSchedule), which says where it is held. */
export function blockHolding(schedule: WeeklySchedule, period: Period): Block | undefined {
  const length = schedule.slotMinutes * minuteMs;
  return workingBlocks(schedule, period).find(
    (block) => block.start <= period.start && period.end <= block.end && (period.start - block.start) % length === 0,
  );
}

/** A slot as a FHIR client sees it: free, taken by an appointment, or not bookable for another reason. */
export type SlotState = 'FREE' | 'BOOKED' | 'UNAVAILABLE';

export interface StatedSlot extends Period {
  doctorId: string;
  state: SlotState;
}

/**
 * The schedule's slots (slotMinutes long, cut from each block's start) whose start lies in
 * [from, to), less those outside their location's opening hours: the grid stays the block's, so
 * closing hours remove slots and never shift the others.
 */
export function gridSlots(schedule: WeeklySchedule, starts: Period): Period[] {
  // A slot starting in the window lies in a block that overlaps the window.
  const blocks = workingBlocks(schedule, starts);
  const open = openingCheck(schedule.openings, { start: starts.start, end: Math.max(starts.end, ...blocks.map((block) => block.end)) });
  return blocks.flatMap((block) =>
    slotsOf([block], schedule.slotMinutes).filter((slot) => slot.start >= starts.start && slot.start < starts.end && open(slot, block.locationId)),
  );
}

export interface SlotSurroundings {
  /** Booked appointments of the doctor, buffers included. */
  booked: Period[];
  /** Time off. */
  away: Period[];
  /** What may be booked at all: from now (or the policy's notice) to the policy's horizon; undefined for an inactive doctor. */
  bookable: Period | undefined;
}

/**
 * The state of one slot, the same rules as freeSlots: taken by an appointment is BOOKED (also in
 * the past: it was taken); otherwise outside what is bookable, or overlapping time off, is
 * UNAVAILABLE; everything else is FREE.
 */
export function slotState(slot: Period, around: SlotSurroundings): SlotState {
  if (around.booked.some((period) => overlaps(slot, period))) return 'BOOKED';
  const { bookable } = around;
  if (!bookable || slot.start < bookable.start || slot.end > bookable.end) return 'UNAVAILABLE';
  return around.away.some((period) => overlaps(slot, period)) ? 'UNAVAILABLE' : 'FREE';
}
