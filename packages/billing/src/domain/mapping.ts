import type { BillingAccount, EventData, Invoice } from '@pms/contracts';
import type { AccountRow, InvoiceRow } from '../db/schema.js';

export function toAccount(row: AccountRow): BillingAccount {
  return {
    id: row.id,
    patientId: row.patientId,
    name: row.name,
    email: row.email,
    status: row.status,
    createdAt: row.createdAt.toISOString(),
  };
}

export function toInvoice(row: InvoiceRow): Invoice {
  return {
    id: row.id,
    appointmentId: row.appointmentId,
    patientId: row.patientId,
    doctorId: row.doctorId,
    specialty: row.specialty,
    amountCents: row.amountCents,
    currency: row.currency,
    status: row.status,
    dueDate: row.dueDate,
    paymentMethod: row.paymentMethod,
    paidAt: row.paidAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

/** What every invoice event carries, so consumers (notification, analytics) need no lookups. */
export function invoiceSnapshot(row: Omit<InvoiceRow, 'accountId'>): EventData<'InvoiceGenerated'> {
  return {
    invoiceId: row.id,
    appointmentId: row.appointmentId,
    patientId: row.patientId,
    doctorId: row.doctorId,
    specialty: row.specialty,
    amountCents: row.amountCents,
    currency: row.currency,
    dueDate: row.dueDate,
    patient: { name: row.patientName, email: row.patientEmail },
  };
}
