import { and, asc, count, eq, gt, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Executor } from './database.js';
import { bookedSlots, locations, resources, resourceTimeOff, type HeldResource, type RequirementRow, type ResourceRow, type ResourceTimeOffRow } from './schema.js';
import { wordStartsWith } from './text-search.js';

export interface ResourceFields {
  category: 'ROOM' | 'EQUIPMENT';
  name: string;
  kind: string;
  locationId: string | null;
  capacity: number;
  active: boolean;
}

export async function insertResource(db: Executor, fields: ResourceFields): Promise<ResourceRow> {
  const [row] = await db.insert(resources).values(fields).returning();
  if (!row) throw new Error('insert into resources returned no row');
  return row;
}

export async function updateResource(db: Executor, id: string, fields: ResourceFields): Promise<ResourceRow | undefined> {
  const [row] = await db
    .update(resources)
    .set({ ...fields, updatedAt: sql`now()` })
    .where(and(eq(resources.id, id), eq(resources.category, fields.category)))
    .returning();
  return row;
}

export async function findResource(db: Executor, id: string, category?: ResourceRow['category']): Promise<ResourceRow | undefined> {
  const [row] = await db
    .select()
    .from(resources)
    .where(and(eq(resources.id, id), category ? eq(resources.category, category) : undefined))
    .limit(1);
  return row;
}

export async function listResources(
  db: Executor,
  filter: { category: ResourceRow['category']; locationId?: string; kind?: string },
): Promise<ResourceRow[]> {
  return db
    .select()
    .from(resources)
    .where(
      and(
        eq(resources.category, filter.category),
        filter.locationId ? eq(resources.locationId, filter.locationId) : undefined,
        filter.kind ? eq(resources.kind, filter.kind) : undefined,
      ),
    )
    .orderBy(asc(resources.name), asc(resources.id));
}

const fitsAny = (required: RequirementRow[]): SQL | undefined =>
  or(...required.map((need) => and(eq(resources.category, need.category), eq(resources.kind, need.kind))));

/** At the location (the default one for null), or movable equipment. */
const usableAt = (locationId: string | null): SQL =>
  or(
    locationId ? eq(resources.locationId, locationId) : sql`${resources.locationId} = (select id from ${locations} where is_default)`,
    and(eq(resources.category, 'EQUIPMENT'), isNull(resources.locationId)),
  )!;

/**
 * The active resources fitting any requirement, usable at the location, with no maintenance
 * overlapping [from, to): one query (the candidates CheckAvailability answers).
 */
export async function findCandidates(db: Executor, required: RequirementRow[], locationId: string | null, from: Date, to: Date): Promise<ResourceRow[]> {
  if (required.length === 0) return [];
  const maintenance = db
    .select({ one: sql`1` })
    .from(resourceTimeOff)
    .where(and(eq(resourceTimeOff.resourceId, resources.id), gt(resourceTimeOff.endsAt, from), lt(resourceTimeOff.startsAt, to)));
  return db
    .select()
    .from(resources)
    .where(and(eq(resources.active, true), fitsAny(required), usableAt(locationId), sql`not exists (${maintenance})`))
    .orderBy(asc(resources.name), asc(resources.id));
}

/** Every active resource fitting any requirement, wherever it is (availability sorts them by location). */
export async function findFitting(db: Executor, required: RequirementRow[]): Promise<ResourceRow[]> {
  if (required.length === 0) return [];
  return db
    .select()
    .from(resources)
    .where(and(eq(resources.active, true), fitsAny(required)))
    .orderBy(asc(resources.name), asc(resources.id));
}

/** Maintenance of these resources overlapping [from, to). */
export async function listResourceTimeOff(db: Executor, resourceIds: string[], window: { from?: Date; to?: Date } = {}): Promise<ResourceTimeOffRow[]> {
  if (resourceIds.length === 0) return [];
  return db
    .select()
    .from(resourceTimeOff)
    .where(
      and(
        sql`${resourceTimeOff.resourceId} = any(${sql.param(resourceIds)}::uuid[])`,
        window.from ? gt(resourceTimeOff.endsAt, window.from) : undefined,
        window.to ? lt(resourceTimeOff.startsAt, window.to) : undefined,
      ),
    )
    .orderBy(asc(resourceTimeOff.startsAt), asc(resourceTimeOff.id));
}

export async function insertResourceTimeOff(
  db: Executor,
  entry: { resourceId: string; startsAt: Date; endsAt: Date; reason: string | null },
): Promise<ResourceTimeOffRow> {
  const [row] = await db.insert(resourceTimeOff).values(entry).returning();
  if (!row) throw new Error('insert into resource_time_off returned no row');
  return row;
}

export async function deleteResourceTimeOff(db: Executor, resourceId: string, id: string): Promise<boolean> {
  const deleted = await db
    .delete(resourceTimeOff)
    .where(and(eq(resourceTimeOff.id, id), eq(resourceTimeOff.resourceId, resourceId)))
    .returning({ id: resourceTimeOff.id });
  return deleted.length > 0;
}

/** The booked periods (buffers included) holding any of these resources and overlapping [from, to). */
export async function listResourceBookings(
  db: Executor,
  resourceIds: string[],
  from: Date,
  to: Date,
): Promise<{ startsAt: Date; endsAt: Date; resources: HeldResource[] }[]> {
  if (resourceIds.length === 0) return [];
  return db
    .select({ startsAt: bookedSlots.startsAt, endsAt: bookedSlots.endsAt, resources: bookedSlots.resources })
    .from(bookedSlots)
    .where(
      and(
        sql`${bookedSlots.resourceIds} && ${sql.param(resourceIds)}::uuid[]`,
        isNull(bookedSlots.releasedAt),
        gt(bookedSlots.endsAt, from),
        lt(bookedSlots.startsAt, to),
      ),
    );
}

/** FHIR's Location (rooms) and Device (equipment) searches: by id, a word of the name, where, kind. */
export interface ResourceSearch {
  category: ResourceRow['category'];
  ids?: string[];
  name?: string;
  locationIds?: string[];
  kind?: string;
}

export async function searchResources(db: Executor, filter: ResourceSearch, page: { offset: number; limit: number }): Promise<{ rows: ResourceRow[]; total: number }> {
  const where = and(
    eq(resources.category, filter.category),
    filter.ids ? inArray(resources.id, filter.ids) : undefined,
    filter.name ? wordStartsWith(resources.name, filter.name) : undefined,
    filter.locationIds ? inArray(resources.locationId, filter.locationIds) : undefined,
    filter.kind ? eq(resources.kind, filter.kind) : undefined,
  );
  const [rows, [totals]] = await Promise.all([
    db.select().from(resources).where(where).orderBy(asc(resources.name), asc(resources.id)).offset(page.offset).limit(page.limit),
    db.select({ total: count() }).from(resources).where(where),
  ]);
  return { rows, total: totals?.total ?? 0 };
}
