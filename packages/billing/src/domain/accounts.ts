import { randomUUID } from 'node:crypto';
import type { BillingAccount } from '@pms/contracts';
import { AppError, notFound, type Actor } from '@pms/platform/domain';
import {
  findAccountByPatient,
  openAccountRow,
  openAccountRows,
  updateAccountContacts,
  type NewAccount,
  type WantedAccount,
} from '../db/accounts.js';
import type { Executor } from '../db/database.js';
import { newOutboxEntry } from '../db/outbox.js';
import type { AccountRow } from '../db/schema.js';
import { assertCanRead } from './access.js';
import type { BillingContext } from './context.js';
import { toAccount } from './mapping.js';

export interface AccountOutcome {
  account: AccountRow;
  /** True only for the call that inserted it: only that one announces BillingAccountCreated. */
  created: boolean;
}

/** The account the patient gets if they have none, announced by BillingAccountCreated: id and event chosen before the statement. */
export function accountToOpen(input: NewAccount, requestId: string | null): WantedAccount {
  const id = randomUUID();
  const { row: event } = newOutboxEntry({
    type: 'BillingAccountCreated',
    subject: id,
    source: 'billing',
    requestId,
    data: { accountId: id, patientId: input.patientId, name: input.name, email: input.email },
  });
  return { id, patientId: input.patientId, name: input.name, email: input.email, event };
}

/**
 * The one way an account comes to be (gRPC call, PatientCreated, an appointment of an unknown
 * patient): insert-if-absent on the unique patient_id, its event only when inserted, otherwise
 * the existing account; one statement, so no transaction is needed for the event to commit with it.
 */
export async function ensureAccount(db: Executor, input: NewAccount, requestId: string | null): Promise<AccountOutcome> {
  const outcome = await openAccountRow(db, accountToOpen(input, requestId));
  // Only a concurrent delete could get here; there is no delete, so it is a bug.
  if (!outcome) throw new AppError('INTERNAL', `Billing account of patient ${input.patientId} vanished`);
  return { account: outcome.row, created: outcome.created };
}

/** PatientCreated, a run at a time: the accounts still missing (CreateBillingAccount usually came first), one statement. */
export async function ensureAccounts(db: Executor, inputs: { account: NewAccount; requestId: string | null }[]): Promise<void> {
  await openAccountRows(db, inputs.map(({ account, requestId }) => accountToOpen(account, requestId)));
}

/** PatientUpdated, a run at a time: the latest contact details of each patient, one statement. */
export async function followPatientContacts(tx: Executor, inputs: NewAccount[]): Promise<void> {
  const latest = new Map(inputs.map((input) => [input.patientId, input]));
  await updateAccountContacts(tx, [...latest.values()]);
}

/** CreateBillingAccount: idempotent per patient, one round trip. */
export async function openAccount(ctx: BillingContext, input: NewAccount, requestId: string): Promise<{ account: BillingAccount; created: boolean }> {
  const outcome = await ensureAccount(ctx.db, input, requestId);
  return { account: toAccount(outcome.account), created: outcome.created };
}

/** GetBillingAccount (service to service: no actor). */
export async function getAccount(ctx: BillingContext, patientId: string): Promise<BillingAccount> {
  const row = await findAccountByPatient(ctx.db, patientId);
  if (!row) throw notFound(`Patient ${patientId} has no billing account`, 'BILLING_ACCOUNT_NOT_FOUND');
  return toAccount(row);
}

/** GET /api/billing/accounts/:patientId: access first, so nobody learns whether others have accounts. */
export async function readAccount(ctx: BillingContext, actor: Actor, patientId: string): Promise<BillingAccount> {
  await assertCanRead(ctx, actor, patientId);
  return getAccount(ctx, patientId);
}

