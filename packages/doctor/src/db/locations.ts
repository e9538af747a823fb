import { and, asc, count, eq, inArray, or, sql } from 'drizzle-orm';
import type { Executor } from './database.js';
import { doctors, locations, type LocationRow, type WorkingHoursRow } from './schema.js';
import { wordStartsWith } from './text-search.js';

export interface LocationFields {
  name: string;
  address: string | null;
  timeZone: string;
  openingHours: WorkingHoursRow[];
}

export async function insertLocation(db: Executor, fields: LocationFields): Promise<LocationRow> {
  const [row] = await db.insert(locations).values(fields).returning();
  if (!row) throw new Error('insert into locations returned no row');
  return row;
}

export async function listLocations(db: Executor): Promise<LocationRow[]> {
  return db.select().from(locations).orderBy(asc(locations.name), asc(locations.id));
}

export async function findLocations(db: Executor, ids: string[]): Promise<LocationRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(locations).where(sql`${locations.id} = any(${sql.param(ids)}::uuid[])`);
}

export async function findLocation(db: Executor, id: string): Promise<LocationRow | undefined> {
  const [row] = await db.select().from(locations).where(eq(locations.id, id)).limit(1);
  return row;
}

/**
 * Replaces a location and, in the same transaction, the copy of its time zone in every working-hours
 * block held there (schema.ts: CheckAvailability reads the doctor's row alone).
 */
export async function updateLocation(db: Executor, id: string, fields: LocationFields): Promise<LocationRow | undefined> {
  const [row] = await db
    .update(locations)
    .set({ ...fields, updatedAt: sql`now()` })
    .where(eq(locations.id, id))
    .returning();
  if (!row) return undefined;
  await db
    .update(doctors)
    .set({
      workingHours: sql`(select jsonb_agg(case when h->>'locationId' = ${id} then h || jsonb_build_object('timeZone', ${row.timeZone}::text) else h end)
        from jsonb_array_elements(${doctors.workingHours}) h)`,
      updatedAt: sql`now()`,
    })
    .where(sql`${doctors.workingHours} @> ${JSON.stringify([{ locationId: id }])}::jsonb`);
  return row;
}

/** The location of working hours that name none (created by migration 0010). */
export async function findDefaultLocation(db: Executor): Promise<LocationRow | undefined> {
  const [row] = await db.select().from(locations).where(eq(locations.isDefault, true)).limit(1);
  return row;
}

/** These locations and the default one (where working hours that name none are held): what opening hours a schedule needs. */
export async function findLocationsAndDefault(db: Executor, ids: string[]): Promise<LocationRow[]> {
  const named = ids.length > 0 ? sql`${locations.id} = any(${sql.param(ids)}::uuid[])` : undefined;
  return db
    .select()
    .from(locations)
    .where(or(eq(locations.isDefault, true), named));
}

/** FHIR's Location search over sites: by id, by a word of the name. */
export interface SiteFilter {
  ids?: string[];
  name?: string;
}

export async function searchSites(db: Executor, filter: SiteFilter, page: { offset: number; limit: number }): Promise<{ rows: LocationRow[]; total: number }> {
  const where = and(filter.ids ? inArray(locations.id, filter.ids) : undefined, filter.name ? wordStartsWith(locations.name, filter.name) : undefined);
  const [rows, [totals]] = await Promise.all([
    db.select().from(locations).where(where).orderBy(asc(locations.name), asc(locations.id)).offset(page.offset).limit(page.limit),
    db.select({ total: count() }).from(locations).where(where),
  ]);
  return { rows, total: totals?.total ?? 0 };
}
