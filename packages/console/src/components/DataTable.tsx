import { Anchor, Group, Pagination, Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';

export interface Column<T> {
  header: string;
  cell: (row: T) => ReactNode;
}

export interface Paging {
  page: number;
  pageSize: number;
  total: number;
  onPage: (page: number) => void;
  /** What is counted, singular and plural: "1 patient", "3 patients". */
  noun: readonly [string, string];
}

/** A list endpoint's page as it arrives (undefined while the first one loads), and how to turn pages. */
export type Paged<T> = Omit<Paging, 'total'> & { data: { items: T[]; total: number } | undefined };

/**
 * The one table of the console: a labelled table (screen readers and tests find it by `label`),
 * a dimmed sentence when there is nothing to show, and with `paging` the count and the pager.
 */
export function DataTable<T extends { id: string }>(props: { label: string; columns: Column<T>[]; rows?: T[]; empty: string; paging?: Paging; paged?: Paged<T> }) {
  const { label, columns, empty, paged } = props;
  const rows = paged ? (paged.data?.items ?? []) : (props.rows ?? []);
  const paging = paged ? { ...paged, total: paged.data?.total ?? 0 } : props.paging;
  return (
    <>
      {rows.length === 0 ? (
        <Text c="dimmed">{empty}</Text>
      ) : (
        <Table striped highlightOnHover aria-label={label}>
          <Table.Thead>
            <Table.Tr>
              {columns.map((column) => (
                <Table.Th key={column.header}>{column.header}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => (
              <Table.Tr key={row.id}>
                {columns.map((column) => (
                  <Table.Td key={column.header}>{column.cell(row)}</Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {paging && <Pager {...paging} />}
    </>
  );
}

/** A cell that opens the row's own page (a patient, a doctor). */
export function RowLink({ to, children }: { to: string; children: ReactNode }) {
  return (
    <Anchor component={Link} to={to}>
      {children}
    </Anchor>
  );
}

function Pager({ page, pageSize, total, onPage, noun }: Paging) {
  return (
    <Group justify="space-between" mt="md">
      <Text size="sm" c="dimmed">
        {total} {total === 1 ? noun[0] : noun[1]}
      </Text>
      <Pagination total={Math.max(1, Math.ceil(total / pageSize))} value={page} onChange={onPage} aria-label="Pages" />
    </Group>
  );
}
