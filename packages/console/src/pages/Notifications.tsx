import { Group, NativeSelect, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import type { Notification } from '@pms/contracts/http';
import { useState } from 'react';
import { DataTable, type Column } from '../components/DataTable.js';
import { PageTitle } from '../components/PageTitle.js';
import { StatusBadge } from '../components/StatusBadge.js';
import { usePage } from '../lib/queries.js';
import { dateTimeIn } from '../lib/time.js';

const PAGE_SIZE = 25;

const columns: Column<Notification>[] = [
  { header: 'Created', cell: (item) => dateTimeIn(item.createdAt) },
  { header: 'Recipient', cell: (item) => item.recipient },
  { header: 'Subject', cell: (item) => item.subject ?? '' },
  { header: 'Type', cell: (item) => item.type },
  {
    header: 'Status',
    cell: (item) => (
      <span title={item.error ?? undefined}>
        <StatusBadge status={item.status} />
      </span>
    ),
  },
  { header: 'Attempts', cell: (item) => item.attempts },
];

/** What the clinic sent to whom, and what failed. */
export default function Notifications() {
  const [recipient, setRecipient] = useState('');
  const [debounced] = useDebouncedValue(recipient.trim(), 300);
  const [status, setStatus] = useState('');
  const [page, setPage] = useState(1);
  const list = usePage<Notification>('notifications', '/api/notifications', { recipient: debounced, status, page, pageSize: PAGE_SIZE }, { keepPrevious: true });
  return (
    <>
      <PageTitle title="Notifications" />
      <Group align="flex-end" mb="md">
        <TextInput label="Recipient" value={recipient} onChange={(e) => (setRecipient(e.currentTarget.value), setPage(1))} />
        <NativeSelect label="Status" value={status} onChange={(e) => (setStatus(e.currentTarget.value), setPage(1))} data={[{ value: '', label: 'Any' }, 'PENDING', 'SENT', 'FAILED']} />
      </Group>
      <DataTable label="Notifications" columns={columns} empty="Nothing sent yet." paged={{ data: list.data, page, pageSize: PAGE_SIZE, onPage: setPage, noun: ['notification', 'notifications'] }} />
    </>
  );
}
