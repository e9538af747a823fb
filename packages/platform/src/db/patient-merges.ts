import type { EventData, TypedEvent } from '@pms/contracts';
import { sql } from 'drizzle-orm';
import type { Executor } from './types.js';

// Merged patients (issue 23): the SQL side is platform's migration 0020_patient_merges.

/**
 * Records a PatientMerged in this service's database and holds the duplicate's merge lock to the
 * end of the transaction: rows the caller then moves by the duplicate's id are all there is (a
 * writer that follows merges waits for the lock, then writes for the survivor). False when this
 * database applied the merge already.
 */
export async function beginPatientMerge(tx: Executor, merge: Pick<EventData<'PatientMerged'>, 'duplicatePatientId' | 'survivorPatientId'>): Promise<boolean> {
  const [row] = await tx.execute<{ fresh: boolean }>(
    sql`select begin_patient_merge(${merge.duplicatePatientId}::uuid, ${merge.survivorPatientId}::uuid) as fresh`,
  );
  return row?.fresh === true;
}

/** Holds the merge locks of these patients (in id order) to the end of the transaction: no writer of their rows runs meanwhile. */
export async function lockPatientsForMerge(tx: Executor, patientIds: string[]): Promise<void> {
  await tx.execute(sql`select lock_patient_for_merge(id) from (select unnest(${sql.param([...patientIds].sort())}::uuid[]) as id order by id) ids`);
}

type WithPatient = TypedEvent & { data: { patientId: string } };
/** Events about a patient from other topics; patient-events are ordered with PatientMerged (same key). */
const followsMerges = (event: TypedEvent): event is WithPatient =>
  !event.type.startsWith('Patient') && typeof (event.data as { patientId?: unknown }).patientId === 'string';

/**
 * The events with their `patientId` mapped to the patient it stands for now: an appointment or
 * invoice event of a merged duplicate, arriving after the merge, is applied to the survivor. One
 * statement for the whole batch; the shared merge locks it takes last to the commit, so a merge
 * applied concurrently waits for this batch and then moves what it wrote. A PatientMerged in the
 * batch itself maps the events after it (those before it are moved by it).
 */
export async function redirectMergedPatients(tx: Executor, events: TypedEvent[]): Promise<TypedEvent[]> {
  const ids = [...new Set(events.filter(followsMerges).map((event) => event.data.patientId))].sort();
  if (ids.length === 0) return events;
  const rows = await tx.execute<{ id: string; now: string }>(
    sql`select id, merged_patient(id) as now from (select unnest(${sql.param(ids)}::uuid[]) as id order by id) ids`,
  );
  const moved = new Map(rows.filter((row) => row.id !== row.now).map((row) => [row.id, row.now]));
  return events.map((event) => {
    if (event.type === 'PatientMerged') {
      const { duplicatePatientId, survivorPatientId } = event.data as EventData<'PatientMerged'>;
      for (const [from, to] of moved) if (to === duplicatePatientId) moved.set(from, survivorPatientId);
      moved.set(duplicatePatientId, survivorPatientId);
      return event;
    }
    const now = followsMerges(event) ? moved.get(event.data.patientId) : undefined;
    return now ? ({ ...event, data: { ...event.data, patientId: now } } as TypedEvent) : event;
  });
}
