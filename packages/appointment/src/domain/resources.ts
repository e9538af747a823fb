import type { BookedResource, ResourceRequirement } from '@pms/contracts';
import { conflict, isAppError } from '@pms/platform/domain';
import { findReservedUnits, type BlockedRange } from '../db/reservations.js';
import { overlapConstraints } from '../db/schema.js';
import type { AppointmentsContext } from './context.js';
import type { ResourceCandidate } from './ports.js';

/**
 * How often a booking picks again after a racing booking took a unit it picked (the exclusion
 * constraint refused it): each round at least one racer wins, and picks are random, so a few
 * rounds settle any realistic race; past them the caller gets a 409.
 */
const maxRounds = 8;

/** One occurrence to reserve resources for: its blocked range and what doctor offers then. */
export interface ResourceNeed {
  range: BlockedRange;
  candidates: ResourceCandidate[];
}

const describe = (need: ResourceRequirement) => `${need.category === 'ROOM' ? 'room' : 'device'} of kind ${need.kind}`;

/**
 * A different resource for each requirement, each at a unit nobody holds in the range; chosen at
 * random among the free ones, so racing bookings rarely pick the same unit. Undefined names the
 * requirement nothing is left for.
 */
export function pickResources(
  required: ResourceRequirement[],
  candidates: ResourceCandidate[],
  reserved: Set<string>,
  random: () => number = Math.random,
): { picked: BookedResource[] } | { missing: ResourceRequirement } {
  const picked: BookedResource[] = [];
  for (const need of required) {
    const free = candidates
      .filter((c) => c.category === need.category && c.kind === need.kind && !picked.some((p) => p.resourceId === c.id))
      .flatMap((c) => Array.from({ length: c.capacity }, (_, unit) => ({ c, unit })).filter(({ unit }) => !reserved.has(`${c.id}:${unit}`)));
    const choice = free[Math.floor(random() * free.length)];
    if (!choice) return { missing: need };
    picked.push({ resourceId: choice.c.id, unit: choice.unit, name: choice.c.name, category: choice.c.category, kind: choice.c.kind });
  }
  return { picked };
}

const resourceTaken = (error: unknown) => isAppError(error) && error.code === overlapConstraints.resource_reservations_no_overlap;

/**
 * Picks free resources for every occurrence and runs `reserve` with them (the insert whose
 * trigger writes the reservations under their exclusion constraint). When a racing booking took
 * a picked unit first, the constraint refuses the insert and this picks again from what is left;
 * nothing left is a 409 RESOURCE_UNAVAILABLE. Without requirements, `reserve` runs once with none.
 * One read per round, only for visits that need resources.
 */
export async function withResources<T>(
  ctx: AppointmentsContext,
  required: ResourceRequirement[],
  needs: ResourceNeed[],
  reserve: (picked: BookedResource[][]) => Promise<T>,
): Promise<T> {
  if (required.length === 0) return reserve(needs.map(() => []));
  const ids = [...new Set(needs.flatMap((need) => need.candidates.map((c) => c.id)))];
  for (let round = 1; ; round += 1) {
    const reserved = await findReservedUnits(ctx.db, ids, needs.map((need) => need.range));
    const picks = needs.map((need, index) => pickResources(required, need.candidates, reserved[index] ?? new Set()));
    const missing = picks.find((pick) => 'missing' in pick);
    if (missing && 'missing' in missing) {
      throw conflict(`No ${describe(missing.missing)} is free at the doctor’s location then`, 'RESOURCE_UNAVAILABLE');
    }
    try {
      return await reserve(picks.map((pick) => ('picked' in pick ? pick.picked : [])));
    } catch (error) {
      if (!resourceTaken(error) || round >= maxRounds) throw error;
    }
  }
}
