import { defaultSchedulingPolicy, type EventData } from '@pms/contracts';
import { eq, sql } from 'drizzle-orm';
import type { Executor } from './database.js';
import { appointmentTypes, schedulingPolicy, type AppointmentTypeRow } from './schema.js';

export async function upsertAppointmentType(db: Executor, type: EventData<'AppointmentTypeChanged'>): Promise<void> {
  const fields = {
    durationMinutes: type.durationMinutes,
    bufferBeforeMinutes: type.bufferBeforeMinutes,
    bufferAfterMinutes: type.bufferAfterMinutes,
    specialty: type.specialty,
    active: type.active,
    deleted: type.deleted,
    requiredResources: type.requiredResources,
  };
  await db
    .insert(appointmentTypes)
    .values({ id: type.appointmentTypeId, ...fields })
    .onConflictDoUpdate({ target: appointmentTypes.id, set: { ...fields, updatedAt: sql`now()` } });
}

export async function findAppointmentType(db: Executor, id: string): Promise<AppointmentTypeRow | undefined> {
  const [row] = await db.select().from(appointmentTypes).where(eq(appointmentTypes.id, id)).limit(1);
  return row;
}

export interface PatientWindow {
  minimumNoticeMinutes: number;
  maxAdvanceDays: number;
}

export async function upsertPolicy(db: Executor, policy: PatientWindow): Promise<void> {
  const fields = { minimumNoticeMinutes: policy.minimumNoticeMinutes, maxAdvanceDays: policy.maxAdvanceDays };
  await db
    .insert(schedulingPolicy)
    .values({ id: 1, ...fields })
    .onConflictDoUpdate({ target: schedulingPolicy.id, set: { ...fields, updatedAt: sql`now()` } });
}

/** The last policy appointment announced; its defaults before any. */
export async function readPolicy(db: Executor): Promise<PatientWindow> {
  const [row] = await db
    .select({ minimumNoticeMinutes: schedulingPolicy.minimumNoticeMinutes, maxAdvanceDays: schedulingPolicy.maxAdvanceDays })
    .from(schedulingPolicy)
    .limit(1);
  return row ?? defaultSchedulingPolicy;
}
