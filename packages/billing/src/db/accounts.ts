import { eq, sql } from 'drizzle-orm';
import type { Executor } from './database.js';
import { billingAccounts, type AccountRow } from './schema.js';

export interface NewAccount {
  patientId: string;
  name: string;
  email: string;
}

/** Inserts the account; undefined when the patient already has one (the unique patient_id decides, not a read). */
export async function insertAccountIfAbsent(db: Executor, account: NewAccount): Promise<AccountRow | undefined> {
  const [row] = await db
    .insert(billingAccounts)
    .values(account)
    .onConflictDoNothing({ target: billingAccounts.patientId })
    .returning();
  return row;
}

export async function findAccountByPatient(db: Executor, patientId: string): Promise<AccountRow | undefined> {
  const [row] = await db.select().from(billingAccounts).where(eq(billingAccounts.patientId, patientId)).limit(1);
  return row;
}

/** Keeps the account's contact details in step with the patient record; undefined when there is no account. */
export async function updateAccountContact(
  db: Executor,
  patientId: string,
  contact: Pick<NewAccount, 'name' | 'email'>,
): Promise<AccountRow | undefined> {
  const [row] = await db
    .update(billingAccounts)
    .set({ ...contact, updatedAt: sql`now()` })
    .where(eq(billingAccounts.patientId, patientId))
    .returning();
  return row;
}
