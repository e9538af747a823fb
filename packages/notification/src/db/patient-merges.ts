import { beginPatientMerge } from '@pms/platform/db';
import { sql } from 'drizzle-orm';
import type { Executor } from '@pms/platform';

/**
 * PatientMerged, notification's part, in the consumer's transaction: the duplicate's log entries
 * and reminders move to the survivor; its contact copy becomes the survivor's when the survivor has
 * none yet (the survivor's PatientUpdated replaces it), and is dropped otherwise: reminders of the
 * survivor go to the survivor's contact. A redelivery finds the merge recorded and does nothing.
 */
export async function moveNotifications(tx: Executor, merge: { duplicatePatientId: string; survivorPatientId: string }): Promise<void> {
  if (!(await beginPatientMerge(tx, merge))) return;
  const { duplicatePatientId: duplicate, survivorPatientId: survivor } = merge;
  await tx.execute(sql`update notifications set patient_id = ${survivor} where patient_id = ${duplicate}`);
  await tx.execute(sql`update reminders set patient_id = ${survivor} where patient_id = ${duplicate}`);
  await tx.execute(sql`
    update patient_contacts set patient_id = ${survivor}, updated_at = now()
    where patient_id = ${duplicate} and not exists (select 1 from patient_contacts where patient_id = ${survivor})`);
  await tx.execute(sql`delete from patient_contacts where patient_id = ${duplicate}`);
}
