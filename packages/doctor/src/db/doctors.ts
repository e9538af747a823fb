import type { Specialty } from '@pms/contracts';
import { and, asc, count, eq, exists, gt, ilike, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Executor } from './database.js';
import { doctors, timeOff, type DoctorRow, type WorkingHoursRow } from './schema.js';
import { likePattern, wordStartsWith } from './text-search.js';

export interface DoctorFields {
  name: string;
  email: string;
  phone: string | null;
  specialty: Specialty;
  active: boolean;
}

export interface ScheduleFields {
  timeZone: string;
  slotMinutes: number;
  workingHours: WorkingHoursRow[];
}

export interface DoctorFilter {
  specialty?: Specialty;
  active?: boolean;
  q?: string;
  /** Part of the name (FHIR's `name` search), case-insensitive. */
  name?: string;
  /** Only these doctors (FHIR's `_id`, `actor`, `practitioner`). */
  ids?: string[];
}

const lowerEmail = (email: string) => sql`lower(${doctors.email}) = ${email.toLowerCase()}`;

/** Inserts the doctor; undefined when the email is taken. */
export async function insertDoctor(db: Executor, fields: DoctorFields & Partial<ScheduleFields>): Promise<DoctorRow | undefined> {
  const [row] = await db
    .insert(doctors)
    .values({ ...fields, email: fields.email.toLowerCase() })
    .onConflictDoNothing()
    .returning();
  return row;
}

export async function findDoctor(db: Executor, id: string, options: { forUpdate?: boolean } = {}): Promise<DoctorRow | undefined> {
  const query = db.select().from(doctors).where(eq(doctors.id, id)).limit(1);
  const [row] = await (options.forUpdate ? query.for('update') : query);
  return row;
}

export async function findDoctorByEmail(db: Executor, email: string): Promise<DoctorRow | undefined> {
  const [row] = await db.select().from(doctors).where(lowerEmail(email)).limit(1);
  return row;
}

export async function updateDoctor(db: Executor, id: string, fields: Partial<DoctorFields & ScheduleFields>): Promise<DoctorRow | undefined> {
  const values = fields.email === undefined ? fields : { ...fields, email: fields.email.toLowerCase() };
  const [row] = await db
    .update(doctors)
    .set({ ...values, updatedAt: sql`now()` })
    .where(eq(doctors.id, id))
    .returning();
  return row;
}

function filterCondition(filter: DoctorFilter): SQL | undefined {
  const conditions: (SQL | undefined)[] = [];
  if (filter.specialty) conditions.push(eq(doctors.specialty, filter.specialty));
  if (filter.active !== undefined) conditions.push(eq(doctors.active, filter.active));
  if (filter.name) conditions.push(wordStartsWith(doctors.name, filter.name));
  if (filter.ids) conditions.push(inArray(doctors.id, filter.ids));
  if (filter.q) {
    const pattern = likePattern(filter.q);
    conditions.push(or(ilike(doctors.name, pattern), ilike(doctors.email, pattern)));
  }
  return and(...conditions);
}

export async function listDoctors(
  db: Executor,
  filter: DoctorFilter,
  page: { offset: number; limit: number },
): Promise<{ rows: DoctorRow[]; total: number }> {
  const where = filterCondition(filter);
  const [rows, [totals]] = await Promise.all([
    db.select().from(doctors).where(where).orderBy(asc(doctors.name), asc(doctors.id)).offset(page.offset).limit(page.limit),
    db.select({ total: count() }).from(doctors).where(where),
  ]);
  return { rows, total: totals?.total ?? 0 };
}

/** A location's opening hours as CheckAvailability reads them with the doctor. */
export interface LocationHours {
  id: string;
  isDefault: boolean;
  timeZone: string;
  openingHours: WorkingHoursRow[];
}

/**
 * The doctor with their schedule, whether any time off overlaps [startsAt, endsAt), and the
 * opening hours of the default location and of every location their blocks name: everything
 * CheckAvailability needs, in one query (a booking's check stays one round trip).
 */
export async function findDoctorForCheck(
  db: Executor,
  id: string,
  period: { startsAt: Date; endsAt: Date },
): Promise<(DoctorRow & { onTimeOff: boolean; locationHours: LocationHours[] }) | undefined> {
  const overlapping = db
    .select({ one: sql`1` })
    .from(timeOff)
    .where(and(eq(timeOff.doctorId, doctors.id), gt(timeOff.endsAt, period.startsAt), lt(timeOff.startsAt, period.endsAt)));
  const locationHours = sql<LocationHours[]>`(
    select coalesce(jsonb_agg(jsonb_build_object('id', l.id, 'isDefault', l.is_default, 'timeZone', l.time_zone, 'openingHours', l.opening_hours)), '[]'::jsonb)
    from locations l
    where l.is_default or l.id in (
      select (block->>'locationId')::uuid from jsonb_array_elements(${doctors.workingHours}) as block where block->>'locationId' is not null))`;
  const [row] = await db
    .select({ doctor: doctors, onTimeOff: sql<boolean>`${exists(overlapping)}`, locationHours })
    .from(doctors)
    .where(eq(doctors.id, id))
    .limit(1);
  return row ? { ...row.doctor, onTimeOff: row.onTimeOff, locationHours: row.locationHours } : undefined;
}
