import type { AppointmentStatus } from '@pms/contracts';
import { conflict, pgConstraint, pgErrorCode, pgErrorCodes } from '@pms/platform/domain';
import { and, asc, count, eq, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import { outboxInsertFrom, type newOutboxEntry } from '@pms/platform/db';
import type { Executor } from './database.js';
import { appointments, overlapConstraints, type AppointmentRow, type NewAppointmentRow } from './schema.js';

/**
 * Inserts one appointment and its outbox row in one statement (a data-modifying CTE): one round
 * trip, no BEGIN or COMMIT, and the event is written if and only if the row is. An overlap
 * refused by the database becomes a 409.
 */
export async function insertAppointmentWithEvent(
  db: Executor,
  values: NewAppointmentRow,
  event: ReturnType<typeof newOutboxEntry>['row'],
): Promise<AppointmentRow> {
  const inserted = db.$with('inserted').as(db.insert(appointments).values(values).returning());
  const announced = db.$with('announced').as(outboxInsertFrom('inserted', event) as never);
  const [row] = await db.with(inserted, announced).select().from(inserted).catch(rethrowOverlap);
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function findAppointment(db: Executor, id: string): Promise<AppointmentRow | undefined> {
  const [row] = await db.select().from(appointments).where(eq(appointments.id, id)).limit(1);
  return row;
}

/** Reads the row and locks it until the transaction ends (reschedule needs the times it replaces). */
export async function lockAppointment(tx: Executor, id: string): Promise<AppointmentRow | undefined> {
  const [row] = await tx.select().from(appointments).where(eq(appointments.id, id)).for('update');
  return row;
}

/**
 * Changes the row only if its status is still one of `from`: of two concurrent transitions,
 * the second finds the status changed and updates nothing. Undefined when nothing matched.
 */
export async function updateIfStatus(
  db: Executor,
  id: string,
  from: readonly AppointmentStatus[],
  changes: Partial<NewAppointmentRow>,
): Promise<AppointmentRow | undefined> {
  const [row] = await db
    .update(appointments)
    .set({ ...changes, updatedAt: sql`now()` })
    .where(and(eq(appointments.id, id), inArray(appointments.status, [...from])))
    .returning()
    .catch(rethrowOverlap);
  return row;
}

export interface AppointmentFilter {
  patientId?: string;
  doctorId?: string;
  /** Appointments starting at or after. */
  from?: Date;
  /** Appointments starting before. */
  to?: Date;
  status?: AppointmentStatus;
}

export async function listAppointments(
  db: Executor,
  filter: AppointmentFilter,
  page: { limit: number; offset: number },
): Promise<{ rows: AppointmentRow[]; total: number }> {
  const where = whereOf(filter);
  const [rows, [counted]] = await Promise.all([
    db
      .select()
      .from(appointments)
      .where(where)
      .orderBy(asc(appointments.startsAt), asc(appointments.id))
      .limit(page.limit)
      .offset(page.offset),
    db.select({ total: count() }).from(appointments).where(where),
  ]);
  return { rows, total: counted?.total ?? 0 };
}

function whereOf(filter: AppointmentFilter): SQL | undefined {
  return and(
    filter.patientId ? eq(appointments.patientId, filter.patientId) : undefined,
    filter.doctorId ? eq(appointments.doctorId, filter.doctorId) : undefined,
    filter.from ? gte(appointments.startsAt, filter.from) : undefined,
    filter.to ? lt(appointments.startsAt, filter.to) : undefined,
    filter.status ? eq(appointments.status, filter.status) : undefined,
  );
}

function rethrowOverlap(error: unknown): never {
  if (pgErrorCode(error) === pgErrorCodes.exclusionViolation) {
    const constraint = pgConstraint(error);
    if (constraint === 'appointments_patient_no_overlap') {
      throw conflict('The patient already has an appointment at that time', overlapConstraints[constraint]);
    }
    if (constraint === 'appointments_doctor_no_overlap') {
      throw conflict('The doctor already has an appointment at that time', overlapConstraints[constraint]);
    }
  }
  throw error;
}
