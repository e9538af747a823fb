import { and, asc, eq, gt, lt, type SQL } from 'drizzle-orm';
import type { Executor } from './database.js';
import { timeOff, type TimeOffRow } from './schema.js';

export interface NewTimeOff {
  doctorId: string;
  startsAt: Date;
  endsAt: Date;
  reason: string | null;
}

export async function insertTimeOff(db: Executor, entry: NewTimeOff): Promise<TimeOffRow> {
  const [row] = await db.insert(timeOff).values(entry).returning();
  if (!row) throw new Error('insert into time_off returned no row');
  return row;
}

/** The doctor's time off overlapping [from, to), either end open when omitted, earliest first. */
export async function listTimeOff(db: Executor, doctorId: string, window: { from?: Date; to?: Date } = {}): Promise<TimeOffRow[]> {
  const conditions: SQL[] = [eq(timeOff.doctorId, doctorId)];
  if (window.from) conditions.push(gt(timeOff.endsAt, window.from));
  if (window.to) conditions.push(lt(timeOff.startsAt, window.to));
  return db
    .select()
    .from(timeOff)
    .where(and(...conditions))
    .orderBy(asc(timeOff.startsAt), asc(timeOff.id));
}

/** True when the entry existed (and belonged to this doctor). */
export async function deleteTimeOff(db: Executor, doctorId: string, id: string): Promise<boolean> {
  const deleted = await db
    .delete(timeOff)
    .where(and(eq(timeOff.id, id), eq(timeOff.doctorId, doctorId)))
    .returning({ id: timeOff.id });
  return deleted.length > 0;
}
