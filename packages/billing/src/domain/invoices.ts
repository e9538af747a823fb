import type { Invoice, InvoiceListQuery, InvoicePage, PayInvoiceBody } from '@pms/contracts';
import { badInput, conflict, notFound, requireRole, type Principal } from '@pms/platform/domain';
import type { Database, Executor } from '../db/database.js';
import { findInvoice, listInvoices, markPaid } from '../db/invoices.js';
import { writeEvent } from '../db/outbox.js';
import type { BillingAccess } from './access.js';
import { invoiceSnapshot, toInvoice } from './mapping.js';

/** Reading and paying invoices (the HTTP side). */
export class Invoices {
  constructor(
    private readonly db: Database,
    private readonly access: BillingAccess,
  ) {}

  /** POST /api/billing/invoices/:id/pay (staff, admin). The SQL guard, not a prior read, decides. */
  async pay(principal: Principal, id: string, body: PayInvoiceBody, requestId: string): Promise<Invoice> {
    requireRole(principal, 'admin', 'staff');
    const paid = await this.db.transaction(async (tx) => {
      const row = await markPaid(tx, id, body.method);
      if (!row) throw await this.whyNotPayable(tx, id);
      const data = { ...invoiceSnapshot(row), method: body.method, paidAt: (row.paidAt ?? new Date()).toISOString() };
      await writeEvent(tx, { type: 'InvoicePaid', subject: row.id, source: 'billing', requestId, data });
      return row;
    });
    return toInvoice(paid);
  }

  async get(principal: Principal, id: string, requestId: string): Promise<Invoice> {
    // Roles first: a doctor gets 403 whether or not the id exists.
    this.access.assertRole(principal);
    const row = await findInvoice(this.db, id);
    if (!row) throw notFound(`Invoice ${id} not found`, 'INVOICE_NOT_FOUND');
    await this.access.assertCanRead(principal, row.patientId, requestId);
    return toInvoice(row);
  }

  /** A patient user must name their own patientId; staff and admins may list everyone's. */
  async list(principal: Principal, query: InvoiceListQuery, requestId: string): Promise<InvoicePage> {
    this.access.assertRole(principal);
    if (principal.role === 'patient') {
      if (!query.patientId) {
        throw badInput('patientId is required for patient users', [
          { field: 'patientId', message: 'required: a patient lists the invoices of their own record' },
        ]);
      }
      await this.access.assertCanRead(principal, query.patientId, requestId);
    }
    const { page, pageSize, patientId, status } = query;
    const { rows, total } = await listInvoices(this.db, { patientId, status, limit: pageSize, offset: (page - 1) * pageSize });
    return { items: rows.map(toInvoice), page, pageSize, total };
  }

  private async whyNotPayable(tx: Executor, id: string) {
    const existing = await findInvoice(tx, id);
    if (!existing) return notFound(`Invoice ${id} not found`, 'INVOICE_NOT_FOUND');
    if (existing.status === 'PAID') return conflict('Invoice is already paid', 'INVOICE_ALREADY_PAID');
    return conflict('Invoice is void and cannot be paid', 'INVOICE_VOID');
  }
}
