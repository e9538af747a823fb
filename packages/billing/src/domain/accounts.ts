import type { BillingAccount } from '@pms/contracts';
import { AppError, notFound, type Actor } from '@pms/platform/domain';
import { findAccountByPatient, insertAccountIfAbsent, updateAccountContact, type NewAccount } from '../db/accounts.js';
import type { Executor } from '../db/database.js';
import { writeEvent } from '../db/outbox.js';
import type { AccountRow } from '../db/schema.js';
import { assertCanRead } from './access.js';
import type { BillingContext } from './context.js';
import { toAccount } from './mapping.js';

export interface AccountOutcome {
  account: AccountRow;
  /** True only for the call that inserted it: only that one announces BillingAccountCreated. */
  created: boolean;
}

/**
 * The one way an account comes to be (gRPC call, PatientCreated, an appointment of an unknown
 * patient): insert-if-absent on the unique patient_id, then read. Run it in a transaction so the
 * event commits with the account.
 */
export async function ensureAccount(tx: Executor, input: NewAccount, requestId: string | null): Promise<AccountOutcome> {
  const inserted = await insertAccountIfAbsent(tx, input);
  if (inserted) {
    await writeEvent(tx, {
      type: 'BillingAccountCreated',
      subject: inserted.id,
      source: 'billing',
      requestId,
      data: { accountId: inserted.id, patientId: inserted.patientId, name: inserted.name, email: inserted.email },
    });
    return { account: inserted, created: true };
  }
  const existing = await findAccountByPatient(tx, input.patientId);
  // Only a concurrent delete could get here; there is no delete, so it is a bug.
  if (!existing) throw new AppError('INTERNAL', `Billing account of patient ${input.patientId} vanished`);
  return { account: existing, created: false };
}

/** CreateBillingAccount: idempotent per patient. */
export async function openAccount(ctx: BillingContext, input: NewAccount, requestId: string): Promise<{ account: BillingAccount; created: boolean }> {
  const outcome = await ctx.db.transaction((tx) => ensureAccount(tx, input, requestId));
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

/** PatientUpdated: the account follows the record's name and email; no account, nothing to do. */
export async function followPatientContact(tx: Executor, input: NewAccount): Promise<boolean> {
  return (await updateAccountContact(tx, input.patientId, { name: input.name, email: input.email })) !== undefined;
}
