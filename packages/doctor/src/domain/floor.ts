import type { Location, LocationInput, Resource, ResourceCategory, ResourceInput } from '@pms/contracts';
import { AppError, notFound, requireRole, type Actor } from '@pms/platform/domain';
import type { z } from 'zod';
import { findLocation, insertLocation, listLocations, updateLocation } from '../db/locations.js';
import {
  deleteResourceTimeOff,
  findResource,
  insertResource,
  listResources,
  listResourceTimeOff,
  updateResource,
} from '../db/resources.js';
import type { LocationRow, ResourceRow, ResourceTimeOffRow } from '../db/schema.js';
import { insertResourceTimeOff } from '../db/resources.js';
import type { DoctorContext } from './context.js';
import type { ResourceTimeOff, TimeOffInput, TimeOffQuery } from '@pms/contracts';

type TimeOffInput = z.output<typeof TimeOffInput>;
type TimeOffQuery = z.output<typeof TimeOffQuery>;
type ResourceTimeOff = z.output<typeof ResourceTimeOff>;

// Locations, rooms and equipment: reads for every role, writes for admins.

const toLocation = (row: LocationRow): Location => ({
  id: row.id,
  name: row.name,
  address: row.address,
  timeZone: row.timeZone,
  openingHours: row.openingHours.map(({ weekday, start, end }) => ({ weekday, start, end })),
  isDefault: row.isDefault,
});

const toResource = (row: ResourceRow): Resource => ({
  id: row.id,
  category: row.category,
  name: row.name,
  kind: row.kind,
  locationId: row.locationId,
  capacity: row.capacity,
  active: row.active,
});

const toResourceTimeOff = (row: ResourceTimeOffRow): ResourceTimeOff => ({
  id: row.id,
  resourceId: row.resourceId,
  startsAt: row.startsAt.toISOString(),
  endsAt: row.endsAt.toISOString(),
  reason: row.reason,
});

/** The canonical IANA name, as schedules store it. */
const canonicalZone = (zone: string) => new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;

const locationNotFound = (id: string) => notFound(`Location ${id} not found`, 'LOCATION_NOT_FOUND');
const label = { ROOM: 'Room', EQUIPMENT: 'Equipment' } as const;
const resourceNotFound = (category: ResourceCategory, id: string) => notFound(`${label[category]} ${id} not found`, `${category}_NOT_FOUND`);

export async function allLocations(ctx: DoctorContext): Promise<{ items: Location[] }> {
  return { items: (await listLocations(ctx.db)).map(toLocation) };
}

export async function getLocation(ctx: DoctorContext, id: string): Promise<Location> {
  const row = await findLocation(ctx.db, id);
  if (!row) throw locationNotFound(id);
  return toLocation(row);
}

export async function createLocation(ctx: DoctorContext, actor: Actor, input: LocationInput): Promise<Location> {
  requireRole(actor.principal, 'admin');
  return toLocation(await insertLocation(ctx.db, { ...input, timeZone: canonicalZone(input.timeZone) }));
}

/** A new time zone moves every working-hours block held there (same wall-clock times, other instants). */
export async function replaceLocation(ctx: DoctorContext, actor: Actor, id: string, input: LocationInput): Promise<Location> {
  requireRole(actor.principal, 'admin');
  const row = await ctx.db.transaction((tx) => updateLocation(tx, id, { ...input, timeZone: canonicalZone(input.timeZone) }));
  if (!row) throw locationNotFound(id);
  return toLocation(row);
}

export async function resourcesOf(
  ctx: DoctorContext,
  category: ResourceCategory,
  query: { locationId?: string; kind?: string },
): Promise<{ items: Resource[] }> {
  return { items: (await listResources(ctx.db, { category, ...query })).map(toResource) };
}

export async function getResource(ctx: DoctorContext, category: ResourceCategory, id: string): Promise<Resource> {
  const row = await findResource(ctx.db, id, category);
  if (!row) throw resourceNotFound(category, id);
  return toResource(row);
}

async function requireLocation(ctx: DoctorContext, locationId: string | null): Promise<void> {
  if (locationId && !(await findLocation(ctx.db, locationId))) {
    throw new AppError('UNPROCESSABLE', `Location ${locationId} does not exist`, 'UNKNOWN_LOCATION', [
      { field: 'locationId', message: 'no such location' },
    ]);
  }
}

export async function createResource(ctx: DoctorContext, actor: Actor, category: ResourceCategory, input: ResourceInput): Promise<Resource> {
  requireRole(actor.principal, 'admin');
  await requireLocation(ctx, input.locationId);
  return toResource(await insertResource(ctx.db, { ...input, category }));
}

export async function replaceResource(
  ctx: DoctorContext,
  actor: Actor,
  category: ResourceCategory,
  id: string,
  input: ResourceInput,
): Promise<Resource> {
  requireRole(actor.principal, 'admin');
  await requireLocation(ctx, input.locationId);
  const row = await updateResource(ctx.db, id, { ...input, category });
  if (!row) throw resourceNotFound(category, id);
  return toResource(row);
}

export async function resourceTimeOff(
  ctx: DoctorContext,
  category: ResourceCategory,
  id: string,
  query: TimeOffQuery,
): Promise<{ items: ResourceTimeOff[] }> {
  await getResource(ctx, category, id);
  const rows = await listResourceTimeOff(ctx.db, [id], {
    from: query.from ? new Date(query.from) : undefined,
    to: query.to ? new Date(query.to) : undefined,
  });
  return { items: rows.map(toResourceTimeOff) };
}

/** Maintenance: no new booking holds the resource then (booked visits stay; staff move them). */
export async function addResourceTimeOff(
  ctx: DoctorContext,
  actor: Actor,
  category: ResourceCategory,
  id: string,
  input: TimeOffInput,
): Promise<ResourceTimeOff> {
  requireRole(actor.principal, 'admin');
  await getResource(ctx, category, id);
  const row = await insertResourceTimeOff(ctx.db, {
    resourceId: id,
    startsAt: new Date(input.startsAt),
    endsAt: new Date(input.endsAt),
    reason: input.reason ?? null,
  });
  return toResourceTimeOff(row);
}

export async function removeResourceTimeOff(ctx: DoctorContext, actor: Actor, category: ResourceCategory, id: string, timeOffId: string): Promise<void> {
  requireRole(actor.principal, 'admin');
  await getResource(ctx, category, id);
  if (!(await deleteResourceTimeOff(ctx.db, id, timeOffId))) throw notFound(`Time off ${timeOffId} of ${id} not found`, 'TIME_OFF_NOT_FOUND');
}
