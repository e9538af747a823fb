import { eq, sql, type SQL } from 'drizzle-orm';
import type { Executor } from './database.js';
import { eventsOfInserted, type OutboxRow } from './outbox.js';
import { billingAccounts, type AccountRow } from './schema.js';

export interface NewAccount {
  patientId: string;
  name: string;
  email: string;
}

/** An account to open if the patient has none, with its id chosen and its BillingAccountCreated built. */
export interface WantedAccount extends NewAccount {
  id: string;
  event: OutboxRow;
}

/**
 * CTEs for a statement that opens accounts: `new_account` inserts those whose patient has none
 * (the unique patient_id decides, not a read), for the statement to announce exactly those
 * (eventsOfInserted); `account` is every wanted patient's account, `created` telling the new
 * ones. The existing ones are read in the statement's snapshot, which predates its own inserts,
 * so no row comes twice; but an account committed by a concurrent caller after that snapshot is
 * in neither (see openAccountRow).
 */
export const accountCtes = (accounts: WantedAccount[]): SQL => sql`
  wanted_account as (
    select * from jsonb_to_recordset(${JSON.stringify(accounts.map(asRecord))}::jsonb)
      as w(id uuid, patient_id uuid, name text, email text, event jsonb)),
  new_account as (
    insert into billing_accounts (id, patient_id, name, email)
    select id, patient_id, name, email from wanted_account
    on conflict (patient_id) do nothing
    returning *),
  account as (
    select *, true as created from new_account
    union all
    select b.*, false from billing_accounts b join wanted_account using (patient_id))`;

const asRecord = ({ id, patientId, name, email, event }: WantedAccount) => ({ id, patient_id: patientId, name, email, event });

type RawAccount = Record<'id' | 'patient_id' | 'name' | 'email' | 'status' | 'created_at' | 'updated_at', string> & { created: boolean };

/** A row as postgres.js returns it through drizzle's execute (timestamps as text). */
const fromRaw = (raw: RawAccount): AccountRow => ({
  id: raw.id,
  patientId: raw.patient_id,
  name: raw.name,
  email: raw.email,
  status: raw.status,
  createdAt: new Date(raw.created_at),
  updatedAt: new Date(raw.updated_at),
});

/**
 * The patient's account, opened (and announced) when absent, in one statement: one round trip.
 * Only when a concurrent caller committed the account after the statement's snapshot does it find
 * nothing; the second run, with a newer snapshot, then reads it. Undefined only if that fails too.
 */
export async function openAccountRow(db: Executor, account: WantedAccount): Promise<{ row: AccountRow; created: boolean } | undefined> {
  for (let attempt = 1; attempt <= 2; attempt += 1) {
    const [raw] = await db.execute<RawAccount>(sql`
      with ${accountCtes([account])}, events as (${eventsOfInserted(['new_account', 'wanted_account'])})
      select * from account`);
    if (raw) return { row: fromRaw(raw), created: raw.created };
  }
  return undefined;
}

/** The accounts these patients lack, opened and announced in one statement (a consumer's run of PatientCreated). */
export async function openAccountRows(db: Executor, accounts: WantedAccount[]): Promise<void> {
  if (accounts.length === 0) return;
  await db.execute(sql`
    with ${accountCtes(accounts)}, events as (${eventsOfInserted(['new_account', 'wanted_account'])})
    select 1`);
}

/** Contact details of many accounts in one statement; each patient appears at most once. */
export async function updateAccountContacts(db: Executor, contacts: NewAccount[]): Promise<void> {
  if (contacts.length === 0) return;
  await db.execute(sql`
    update billing_accounts b set name = c.name, email = c.email, updated_at = now()
    from jsonb_to_recordset(${JSON.stringify(contacts.map(({ patientId, name, email }) => ({ patient_id: patientId, name, email })))}::jsonb)
      as c(patient_id uuid, name text, email text)
    where b.patient_id = c.patient_id`);
}

export async function findAccountByPatient(db: Executor, patientId: string): Promise<AccountRow | undefined> {
  const [row] = await db.select().from(billingAccounts).where(eq(billingAccounts.patientId, patientId)).limit(1);
  return row;
}

