import { notFound } from '@pms/platform/domain';
import { findDefaultLocation, findLocation, searchSites, type SiteFilter } from '../db/locations.js';
import { findResource, listResourceTimeOff, searchResources, type ResourceSearch } from '../db/resources.js';
import type { LocationRow, ResourceRow } from '../db/schema.js';
import type { DoctorContext } from './context.js';

// The floor as FHIR reads it: sites and rooms are both Locations (a room is part of its site),
// equipment is Device. Reads are open to every role, as GET /api/locations is.

/** A room or device, and until when it is under maintenance if it is now. */
export interface Maintained {
  row: ResourceRow;
  maintenanceUntil?: Date;
}

export type FloorLocation = { site: LocationRow } | ({ room: ResourceRow } & Pick<Maintained, 'maintenanceUntil'>);

export interface Page {
  offset: number;
  limit: number;
}

const floorNotFound = (type: string, id: string) => notFound(`${type}/${id} not found`, 'RESOURCE_NOT_FOUND');

/** The end of the maintenance each of these resources is under now (the latest, where several overlap now). */
async function maintenanceNow(ctx: DoctorContext, rows: ResourceRow[]): Promise<Maintained[]> {
  const now = ctx.now();
  const entries = await listResourceTimeOff(
    ctx.db,
    rows.map((row) => row.id),
    { from: now, to: new Date(now.getTime() + 1) },
  );
  const until = new Map<string, Date>();
  for (const entry of entries) {
    const known = until.get(entry.resourceId);
    if (!known || known < entry.endsAt) until.set(entry.resourceId, entry.endsAt);
  }
  return rows.map((row) => ({ row, maintenanceUntil: until.get(row.id) }));
}

const roomOf = ({ row, maintenanceUntil }: Maintained): FloorLocation => ({ room: row, maintenanceUntil });

/** A site, or else a room, by id; 404 for neither. */
export async function readFloorLocation(ctx: DoctorContext, id: string): Promise<FloorLocation> {
  const [site, room] = await Promise.all([findLocation(ctx.db, id), findResource(ctx.db, id, 'ROOM')]);
  if (site) return { site };
  if (!room) throw floorNotFound('Location', id);
  const [maintained] = await maintenanceNow(ctx, [room]);
  return roomOf(maintained!);
}

export interface FloorLocationFilter extends SiteFilter {
  /** Only rooms of these sites (FHIR's `partof`): no site is part of another. */
  partOf?: string[];
}

/**
 * Sites first (by name), then rooms (by name), paged over both as one list: the sites' count
 * says where the rooms begin, so every page is the same whatever the database's collation.
 */
export async function searchFloorLocations(ctx: DoctorContext, filter: FloorLocationFilter, page: Page): Promise<{ items: FloorLocation[]; total: number }> {
  const roomFilter: ResourceSearch = { category: 'ROOM', ids: filter.ids, name: filter.name, locationIds: filter.partOf };
  const sites: { rows: LocationRow[]; total: number } = filter.partOf ? { rows: [], total: 0 } : await searchSites(ctx.db, filter, page);
  const roomPage = { offset: Math.max(0, page.offset - sites.total), limit: Math.max(0, page.limit - sites.rows.length) };
  const rooms = await searchResources(ctx.db, roomFilter, roomPage);
  const maintained = await maintenanceNow(ctx, rooms.rows);
  return { items: [...sites.rows.map((site) => ({ site })), ...maintained.map(roomOf)], total: sites.total + rooms.total };
}

export async function readDevice(ctx: DoctorContext, id: string): Promise<Maintained> {
  const row = await findResource(ctx.db, id, 'EQUIPMENT');
  if (!row) throw floorNotFound('Device', id);
  const [maintained] = await maintenanceNow(ctx, [row]);
  return maintained!;
}

export async function searchDevices(ctx: DoctorContext, filter: Omit<ResourceSearch, 'category'>, page: Page): Promise<{ items: Maintained[]; total: number }> {
  const { rows, total } = await searchResources(ctx.db, { ...filter, category: 'EQUIPMENT' }, page);
  return { items: await maintenanceNow(ctx, rows), total };
}

/** Where working hours that name no location are held, for the FHIR resources that reference it. */
export async function defaultLocationId(ctx: DoctorContext): Promise<string | undefined> {
  return (await findDefaultLocation(ctx.db))?.id;
}
