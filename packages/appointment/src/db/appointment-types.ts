import type { AppointmentTypeInput, Specialty } from '@pms/contracts';
import { outboxInsertFrom } from '@pms/platform/db';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import type { Executor } from './database.js';
import { newEnvelope } from './outbox.js';
import { appointmentTypes, type AppointmentTypeRow } from './schema.js';

// Each change of a type is one statement with its AppointmentTypeChanged event (a data-modifying
// CTE `t` and the outbox insert from it): one round trip, no BEGIN or COMMIT. The event carries
// the whole type as the statement left it, so doctor's copy needs no earlier state.

const changedSql = sql.raw(`jsonb_build_object('appointmentTypeId', t.id, 'name', t.name, 'durationMinutes', t.duration_minutes,
  'bufferBeforeMinutes', t.buffer_before_minutes, 'bufferAfterMinutes', t.buffer_after_minutes, 'priceCents', t.price_cents,
  'specialty', t.specialty, 'active', t.active, 'deleted', t.deleted_at is not null, 'requiredResources', t.required_resources)`);

/** The event CTE of a statement whose CTE `t` changed the type `id`: written only if `t` has a row. */
const typeChanged = (db: Executor, id: string, requestId: string) =>
  db.$with('o').as(outboxInsertFrom('t', newEnvelope('AppointmentTypeChanged', id, requestId), changedSql) as never);

export async function insertAppointmentType(db: Executor, input: AppointmentTypeInput, requestId: string): Promise<AppointmentTypeRow> {
  // The id is chosen here: the event's subject, known before the statement runs.
  const id = randomUUID();
  const t = db.$with('t').as(db.insert(appointmentTypes).values({ ...input, id }).returning());
  const [row] = await db.with(t, typeChanged(db, id, requestId)).select().from(t);
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

/** Undefined (and nothing announced) when the type is unknown or deleted. */
export async function updateAppointmentType(
  db: Executor,
  id: string,
  input: AppointmentTypeInput,
  requestId: string,
): Promise<AppointmentTypeRow | undefined> {
  const t = db.$with('t').as(
    db
      .update(appointmentTypes)
      .set({ ...input, updatedAt: sql`now()` })
      .where(and(eq(appointmentTypes.id, id), isNull(appointmentTypes.deletedAt)))
      .returning(),
  );
  const [row] = await db.with(t, typeChanged(db, id, requestId)).select().from(t);
  return row;
}

/** Undefined (and nothing announced) when the type is unknown or already deleted. */
export async function markAppointmentTypeDeleted(db: Executor, id: string, requestId: string): Promise<AppointmentTypeRow | undefined> {
  const t = db.$with('t').as(
    db
      .update(appointmentTypes)
      .set({ deletedAt: sql`now()`, active: false, updatedAt: sql`now()` })
      .where(and(eq(appointmentTypes.id, id), isNull(appointmentTypes.deletedAt)))
      .returning(),
  );
  const [row] = await db.with(t, typeChanged(db, id, requestId)).select().from(t);
  return row;
}
