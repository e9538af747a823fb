import { Table, Text } from '@mantine/core';
import type { Invoice } from '@pms/contracts/http';
import type { ReactNode } from 'react';
import { money } from '../lib/time.js';
import { StatusBadge } from './StatusBadge.js';

export function InvoiceTable({ items, extra }: { items: Invoice[]; extra?: { header: string; cell: (invoice: Invoice) => ReactNode }[] }) {
  if (items.length === 0) return <Text c="dimmed">No invoices.</Text>;
  return (
    <Table aria-label="Invoices">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Created</Table.Th>
          <Table.Th>Specialty</Table.Th>
          <Table.Th>Amount</Table.Th>
          <Table.Th>Due</Table.Th>
          <Table.Th>Status</Table.Th>
          {extra?.map((column) => <Table.Th key={column.header}>{column.header}</Table.Th>)}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {items.map((invoice) => (
          <Table.Tr key={invoice.id}>
            <Table.Td>{invoice.createdAt.slice(0, 10)}</Table.Td>
            <Table.Td>{invoice.specialty}</Table.Td>
            <Table.Td>{money(invoice.amountCents, invoice.currency)}</Table.Td>
            <Table.Td>{invoice.dueDate}</Table.Td>
            <Table.Td>
              <StatusBadge status={invoice.status} />
            </Table.Td>
            {extra?.map((column) => <Table.Td key={column.header}>{column.cell(invoice)}</Table.Td>)}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
