import { beginPatientMerge } from '@pms/platform/db';
import { sql } from 'drizzle-orm';
import type { Executor } from './database.js';

/**
 * PatientMerged, billing's part, in the consumer's transaction: the survivor keeps its account
 * (or takes over the duplicate's when it has none yet), the duplicate's invoices move to the
 * survivor and its account, and the duplicate's account stays, empty, as MERGED. A redelivery
 * or a replica's second try finds the merge recorded and moves nothing again.
 */
export async function moveBilling(tx: Executor, merge: { duplicatePatientId: string; survivorPatientId: string }): Promise<void> {
  if (!(await beginPatientMerge(tx, merge))) return;
  const { duplicatePatientId: duplicate, survivorPatientId: survivor } = merge;
  await tx.execute(sql`
    update billing_accounts set patient_id = ${survivor}, updated_at = now()
    where patient_id = ${duplicate} and not exists (select 1 from billing_accounts where patient_id = ${survivor})`);
  await tx.execute(sql`
    update invoices set patient_id = ${survivor}, account_id = (select id from billing_accounts where patient_id = ${survivor}), updated_at = now()
    where patient_id = ${duplicate}`);
  await tx.execute(sql`update billing_accounts set status = 'MERGED', updated_at = now() where patient_id = ${duplicate}`);
}
