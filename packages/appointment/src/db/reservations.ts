import { sql } from 'drizzle-orm';
import type { Executor } from './database.js';

/** A range the doctor (and every resource of the visit) is blocked: buffers included. */
export interface BlockedRange {
  doctorBlockedFrom: Date;
  doctorBlockedUntil: Date;
}

/**
 * For each range (by index), the units of these resources already reserved in it: `resourceId:unit`.
 * One statement for a whole series. A read to choose from; the exclusion constraint decides at insert.
 */
export async function findReservedUnits(db: Executor, resourceIds: string[], ranges: BlockedRange[]): Promise<Set<string>[]> {
  const reserved = ranges.map(() => new Set<string>());
  if (resourceIds.length === 0 || ranges.length === 0) return reserved;
  const rows = sql.join(
    ranges.map((range, index) => sql`(${index}::int, ${range.doctorBlockedFrom.toISOString()}::timestamptz, ${range.doctorBlockedUntil.toISOString()}::timestamptz)`),
    sql`, `,
  );
  const result = await db.execute<{ index: number; resource_id: string; unit: number }>(sql`
    select o.idx as index, r.resource_id, r.unit
    from (values ${rows}) as o(idx, f, u)
    join resource_reservations r on r.resource_id = any(${sql.param(resourceIds)}::uuid[])
      and tstzrange(r.blocked_from, r.blocked_until) && tstzrange(o.f, o.u)`);
  for (const row of result) reserved[row.index]?.add(`${row.resource_id}:${row.unit}`);
  return reserved;
}
