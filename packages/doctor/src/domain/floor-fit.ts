import { findDefaultLocation } from '../db/locations.js';
import { findFitting, listResourceBookings, listResourceTimeOff } from '../db/resources.js';
import type { RequirementRow, ResourceRow } from '../db/schema.js';
import type { DoctorContext } from './context.js';
import { overlaps, type Period } from './slots.js';

/** Whether the floor has, at a location (null: the default one), a fitting free resource for every requirement. */
export type FloorFit = (blocked: Period, locationId: string | null) => boolean;

interface ResourceState {
  row: ResourceRow;
  maintenance: Period[];
  /** Booked periods per unit. */
  units: Period[][];
}

const fits = (need: RequirementRow, row: ResourceRow) => row.category === need.category && row.kind === need.kind;
const usableAt = (row: ResourceRow, locationId: string) => row.locationId === locationId || (row.category === 'EQUIPMENT' && row.locationId === null);

/** A different resource for each requirement, each with a unit free of bookings and no maintenance. */
function assignable(required: RequirementRow[], states: ResourceState[], blocked: Period, locationId: string): boolean {
  const used = new Set<string>();
  return required.every((need) => {
    const free = states.find(
      (state) =>
        !used.has(state.row.id) &&
        fits(need, state.row) &&
        usableAt(state.row, locationId) &&
        !state.maintenance.some((period) => overlaps(period, blocked)) &&
        state.units.some((booked) => !booked.some((period) => overlaps(period, blocked))),
    );
    if (free) used.add(free.row.id);
    return free !== undefined;
  });
}

/**
 * What availability needs to know about the floor in [from, to): the fitting resources, their
 * maintenance and their bookings (from the booked-slot view), read once (three concurrent
 * queries) and then asked per slot in memory. Without requirements every slot fits.
 */
export async function floorFitFor(ctx: DoctorContext, required: RequirementRow[], from: Date, to: Date): Promise<FloorFit> {
  if (required.length === 0) return () => true;
  const [fitting, fallback] = await Promise.all([findFitting(ctx.db, required), findDefaultLocation(ctx.db)]);
  const ids = fitting.map((row) => row.id);
  const [maintenance, bookings] = await Promise.all([listResourceTimeOff(ctx.db, ids, { from, to }), listResourceBookings(ctx.db, ids, from, to)]);
  const states = new Map<string, ResourceState>(
    fitting.map((row) => [row.id, { row, maintenance: [], units: Array.from({ length: row.capacity }, () => []) }]),
  );
  for (const entry of maintenance) states.get(entry.resourceId)?.maintenance.push({ start: entry.startsAt.getTime(), end: entry.endsAt.getTime() });
  for (const booking of bookings) {
    const period = { start: booking.startsAt.getTime(), end: booking.endsAt.getTime() };
    for (const held of booking.resources) states.get(held.resourceId)?.units[held.unit]?.push(period);
  }
  const all = [...states.values()];
  return (blocked, locationId) => {
    const at = locationId ?? fallback?.id;
    return at !== undefined && assignable(required, all, blocked, at);
  };
}
