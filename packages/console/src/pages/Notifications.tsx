import { Group, NativeSelect, Pagination, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import type { Notification } from '@pms/contracts/http';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useApi } from '../api/session.js';
import { PageTitle } from '../components/PageTitle.js';
import { StatusBadge } from '../components/StatusBadge.js';
import { query, type Page } from '../lib/queries.js';
import { dateTimeIn } from '../lib/time.js';

const PAGE_SIZE = 25;

/** What the clinic sent to whom, and what failed. */
export default function Notifications() {
  const api = useApi();
  const [recipient, setRecipient] = useState('');
  const [debounced] = useDebouncedValue(recipient.trim(), 300);
  const [status, setStatus] = useState('');
  const [page, setPage] = useState(1);
  const list = useQuery({
    queryKey: ['notifications', debounced, status, page],
    queryFn: () => api.get<Page<Notification>>(`/api/notifications${query({ recipient: debounced, status, page, pageSize: PAGE_SIZE })}`),
    placeholderData: keepPreviousData,
  });
  const total = list.data?.total ?? 0;
  return (
    <>
      <PageTitle title="Notifications" />
      <Group align="flex-end" mb="md">
        <TextInput label="Recipient" value={recipient} onChange={(e) => (setRecipient(e.currentTarget.value), setPage(1))} />
        <NativeSelect label="Status" value={status} onChange={(e) => (setStatus(e.currentTarget.value), setPage(1))} data={[{ value: '', label: 'Any' }, 'PENDING', 'SENT', 'FAILED']} />
      </Group>
      <Table striped aria-label="Notifications">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Created</Table.Th>
            <Table.Th>Recipient</Table.Th>
            <Table.Th>Subject</Table.Th>
            <Table.Th>Type</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Attempts</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {list.data?.items.map((item) => (
            <Table.Tr key={item.id}>
              <Table.Td>{dateTimeIn(item.createdAt)}</Table.Td>
              <Table.Td>{item.recipient}</Table.Td>
              <Table.Td>{item.subject ?? ''}</Table.Td>
              <Table.Td>{item.type}</Table.Td>
              <Table.Td title={item.error ?? undefined}>
                <StatusBadge status={item.status} />
              </Table.Td>
              <Table.Td>{item.attempts}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group justify="space-between" mt="md">
        <Text size="sm" c="dimmed">
          {total} notification{total === 1 ? '' : 's'}
        </Text>
        <Pagination total={Math.max(1, Math.ceil(total / PAGE_SIZE))} value={page} onChange={setPage} />
      </Group>
    </>
  );
}
