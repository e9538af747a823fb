import { Badge } from '@mantine/core';

const colors: Record<string, string> = {
  BOOKED: 'blue',
  CHECKED_IN: 'violet',
  COMPLETED: 'green',
  CANCELLED: 'gray',
  NO_SHOW: 'orange',
  PENDING: 'yellow',
  PAID: 'green',
  VOID: 'gray',
  SENT: 'green',
  FAILED: 'red',
  WAITING: 'blue',
  OFFERED: 'violet',
  EXPIRED: 'gray',
};

export function StatusBadge({ status }: { status: string }) {
  return (
    // A narrow table column must not cut the status down to "SE…".
    <Badge color={colors[status] ?? 'gray'} variant="light" miw="max-content">
      {status.replace('_', ' ')}
    </Badge>
  );
}
