import { writeEvents } from '@pms/platform/db';
import { conflict, pgErrorCode } from '@pms/platform/domain';
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { NewAuditEntry } from './audit.js';
import { insertAuditEntries } from './audit.js';
import { rethrowAsConflict } from './conflicts.js';
import type { Executor } from './database.js';
import { snapshotOf } from './outbox.js';
import { patients, type PatientRow } from './schema.js';

/**
 * Both records, locked to the end of the transaction: a second merge of either record meanwhile
 * (the same pair, either way round, a double click) is refused at once with MERGE_IN_PROGRESS
 * rather than waiting: the first holds the rows while appointment answers, longer than a query
 * may wait. Tried again, it finds the duplicate merged. Undefined for an unknown id.
 */
export async function lockPair(tx: Executor, survivorId: string, duplicateId: string): Promise<{ survivor?: PatientRow; duplicate?: PatientRow }> {
  const rows = await tx
    .select()
    .from(patients)
    .where(inArray(patients.id, [survivorId, duplicateId]))
    .orderBy(asc(patients.id))
    .for('update', { noWait: true })
    .catch((error: unknown) => {
      if (pgErrorCode(error) === lockNotAvailable) throw conflict('A merge of one of these records is in progress: try again in a moment', 'MERGE_IN_PROGRESS');
      throw error;
    });
  return { survivor: rows.find((row) => row.id === survivorId), duplicate: rows.find((row) => row.id === duplicateId) };
}

const lockNotAvailable = '55P03';

/** What the survivor says after the merge, field by field from either record. */
export type SurvivorFields = Pick<PatientRow, 'name' | 'email' | 'phone' | 'address' | 'dateOfBirth' | 'contactByEmail' | 'contactBySms' | 'ownerUserId'>;

export interface MergeWrite {
  survivorId: string;
  duplicateId: string;
  fields: SurvivorFields;
  /** The user link that moves with the merge (the tombstone loses it), if any. */
  movedOwnerUserId: string | null;
  audit: Omit<NewAuditEntry, 'patientId' | 'action'>;
}

/**
 * The merge, in the caller's transaction: the duplicate becomes a tombstone (its fields as they
 * were, its user link moved), earlier tombstones of it now point at the survivor, the survivor
 * takes the chosen fields, a MERGE entry on each record, and PatientUpdated (survivor) then
 * PatientMerged (keyed by the duplicate, after every event of it). The survivor's new row.
 */
export async function writeMerge(tx: Executor, merge: MergeWrite): Promise<PatientRow> {
  const mergedAt = new Date();
  // The tombstone first: the survivor may take its email, which only live records hold uniquely.
  await tx
    .update(patients)
    .set({ mergedInto: merge.survivorId, mergedAt, ownerUserId: null, updatedAt: sql`now()` })
    .where(and(eq(patients.id, merge.duplicateId), isNull(patients.mergedInto)));
  await tx.update(patients).set({ mergedInto: merge.survivorId }).where(eq(patients.mergedInto, merge.duplicateId));
  const [survivor] = await tx
    .update(patients)
    .set({ ...merge.fields, updatedAt: sql`now()`, version: sql`${patients.version} + 1` })
    .where(eq(patients.id, merge.survivorId))
    .returning()
    .catch(rethrowAsConflict);
  await insertAuditEntries(tx, [
    { ...merge.audit, patientId: merge.survivorId, action: 'MERGE', relatedPatientId: merge.duplicateId },
    { ...merge.audit, patientId: merge.duplicateId, action: 'MERGE', relatedPatientId: merge.survivorId },
  ]);
  const source = 'patient';
  const { requestId } = merge.audit;
  await writeEvents(tx, [
    { type: 'PatientUpdated', subject: survivor!.id, data: snapshotOf(survivor!), source, requestId },
    {
      type: 'PatientMerged',
      subject: merge.duplicateId,
      data: {
        duplicatePatientId: merge.duplicateId,
        survivorPatientId: merge.survivorId,
        movedOwnerUserId: merge.movedOwnerUserId,
        mergedAt: mergedAt.toISOString(),
      },
      source,
      requestId,
    },
  ]);
  return survivor!;
}
