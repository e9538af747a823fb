import type { AppointmentTypeInput, Specialty } from '@pms/contracts';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Executor } from './database.js';
import { appointmentTypes, type AppointmentTypeRow } from './schema.js';

export async function insertAppointmentType(db: Executor, input: AppointmentTypeInput): Promise<AppointmentTypeRow> {
  const [row] = await db.insert(appointmentTypes).values(input).returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

/** Deleted types are found too: appointments keep naming them. */
export async function findAppointmentType(db: Executor, id: string): Promise<AppointmentTypeRow | undefined> {
  const [row] = await db.select().from(appointmentTypes).where(eq(appointmentTypes.id, id)).limit(1);
  return row;
}

export async function listAppointmentTypes(
  db: Executor,
  filter: { active?: boolean; specialty?: Specialty },
): Promise<AppointmentTypeRow[]> {
  return db
    .select()
    .from(appointmentTypes)
    .where(
      and(
        isNull(appointmentTypes.deletedAt),
        filter.active === undefined ? undefined : eq(appointmentTypes.active, filter.active),
        filter.specialty ? eq(appointmentTypes.specialty, filter.specialty) : undefined,
      ),
    )
    .orderBy(asc(appointmentTypes.name), asc(appointmentTypes.id));
}

export async function updateAppointmentType(
  db: Executor,
  id: string,
  input: AppointmentTypeInput,
): Promise<AppointmentTypeRow | undefined> {
  const [row] = await db
    .update(appointmentTypes)
    .set({ ...input, updatedAt: sql`now()` })
    .where(and(eq(appointmentTypes.id, id), isNull(appointmentTypes.deletedAt)))
    .returning();
  return row;
}

export async function markAppointmentTypeDeleted(db: Executor, id: string): Promise<AppointmentTypeRow | undefined> {
  const [row] = await db
    .update(appointmentTypes)
    .set({ deletedAt: sql`now()`, active: false, updatedAt: sql`now()` })
    .where(and(eq(appointmentTypes.id, id), isNull(appointmentTypes.deletedAt)))
    .returning();
  return row;
}
