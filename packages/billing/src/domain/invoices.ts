import type { Invoice, InvoiceListQuery, InvoicePage, InvoiceStatus, PayInvoiceBody } from '@pms/contracts';
import { badInput, conflict, notFound, requireRole, type Actor } from '@pms/platform/domain';
import type { Executor } from '../db/database.js';
import type { InvoiceRow } from '../db/schema.js';
import { findInvoice, listInvoices as listInvoiceRows, markPaid } from '../db/invoices.js';
import { writeEvent } from '../db/outbox.js';
import { assertCanRead, assertSeesBilling } from './access.js';
import type { BillingContext } from './context.js';
import { invoiceSnapshot, toInvoice } from './mapping.js';

// Reading and paying invoices (the HTTP side).

/** POST /api/billing/invoices/:id/pay (staff, admin). The SQL guard, not a prior read, decides. */
export async function payInvoice(ctx: BillingContext, actor: Actor, id: string, body: PayInvoiceBody): Promise<Invoice> {
  requireRole(actor.principal, 'admin', 'staff');
  const paid = await ctx.db.transaction(async (tx) => {
    const row = await markPaid(tx, id, body.method);
    if (!row) throw await whyNotPayable(tx, id);
    const data = { ...invoiceSnapshot(row), method: body.method, paidAt: (row.paidAt ?? new Date()).toISOString() };
    await writeEvent(tx, { type: 'InvoicePaid', subject: row.id, source: 'billing', requestId: actor.requestId, data });
    return row;
  });
  return toInvoice(paid);
}

export async function getInvoice(ctx: BillingContext, actor: Actor, id: string): Promise<InvoiceRow> {
  // Roles first: a doctor gets 403 whether or not the id exists.
  assertSeesBilling(actor);
  const row = await findInvoice(ctx.db, id);
  if (!row) throw notFound(`Invoice ${id} not found`, 'INVOICE_NOT_FOUND');
  await assertCanRead(ctx, actor, row.patientId);
  return row;
}

export interface InvoiceSearch {
  patientId?: string;
  /** Any of these. */
  statuses?: readonly InvoiceStatus[];
}

/**
 * One page of invoices, newest first, and the total. Staff and admins may list everyone's; a
 * patient user must name their own patientId (400 without, 403 for another's); doctors see none.
 */
export async function findInvoicesFor(
  ctx: BillingContext,
  actor: Actor,
  search: InvoiceSearch,
  page: { limit: number; offset: number },
): Promise<{ rows: InvoiceRow[]; total: number }> {
  assertSeesBilling(actor);
  if (actor.principal.role === 'patient') {
    if (!search.patientId) {
      throw badInput('patientId is required for patient users', [
        { field: 'patientId', message: 'required: a patient lists the invoices of their own record' },
      ]);
    }
    await assertCanRead(ctx, actor, search.patientId);
  }
  return listInvoiceRows(ctx.db, { ...search, ...page });
}

/** GET /api/billing/invoices (see findInvoicesFor). */
export async function listInvoices(ctx: BillingContext, actor: Actor, query: InvoiceListQuery): Promise<InvoicePage> {
  const { page, pageSize, patientId, status } = query;
  const { rows, total } = await findInvoicesFor(ctx, actor, { patientId, statuses: status && [status] }, { limit: pageSize, offset: (page - 1) * pageSize });
  return { items: rows.map(toInvoice), page, pageSize, total };
}

async function whyNotPayable(tx: Executor, id: string) {
  const existing = await findInvoice(tx, id);
  if (!existing) return notFound(`Invoice ${id} not found`, 'INVOICE_NOT_FOUND');
  if (existing.status === 'PAID') return conflict('Invoice is already paid', 'INVOICE_ALREADY_PAID');
  return conflict('Invoice is void and cannot be paid', 'INVOICE_VOID');
}
