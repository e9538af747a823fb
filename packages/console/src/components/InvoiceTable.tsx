import type { Invoice } from '@pms/contracts/http';
import { money } from '../lib/time.js';
import { DataTable, type Column, type Paging } from './DataTable.js';
import { StatusBadge } from './StatusBadge.js';

const invoiceColumns: Column<Invoice>[] = [
  { header: 'Created', cell: (invoice) => invoice.createdAt.slice(0, 10) },
  { header: 'Specialty', cell: (invoice) => invoice.specialty },
  { header: 'Amount', cell: (invoice) => money(invoice.amountCents, invoice.currency) },
  { header: 'Due', cell: (invoice) => invoice.dueDate },
  { header: 'Status', cell: (invoice) => <StatusBadge status={invoice.status} /> },
];

/** Invoices; `extra` adds columns after the status (the patient, a pay button). */
export function InvoiceTable({ items, extra = [], paging }: { items: Invoice[]; extra?: Column<Invoice>[]; paging?: Paging }) {
  return <DataTable label="Invoices" columns={[...invoiceColumns, ...extra]} rows={items} empty="No invoices." paging={paging} />;
}
