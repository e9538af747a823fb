import { Badge, Card, Group, Radio, Stack, Text } from '@mantine/core';
import type { Appointment, Patient } from '@pms/contracts/http';
import { dateTimeIn } from '../lib/time.js';

/**
 * One record of a merge, in its column: the choice to keep it, when it was registered and what it
 * holds (its appointments and invoices move to the kept record).
 */
export function MergeRecordCard(props: { patient: Patient; value: string; kept: boolean; appointments: Appointment[]; invoices: number; describe: (appointment: Appointment) => string }) {
  const { patient, value, kept, appointments, invoices, describe } = props;
  return (
    <Card withBorder aria-label={patient.name} component="section">
      <Stack gap={4}>
        <Group justify="space-between" wrap="nowrap">
          <Radio value={value} label={`Keep ${patient.name}`} fw={600} />
          {kept ? <Badge color="green">Kept</Badge> : <Badge color="gray" miw="max-content">Becomes a tombstone</Badge>}
        </Group>
        <Text size="sm" c="dimmed">
          Registered {dateTimeIn(patient.registeredAt)} · {invoices} {invoices === 1 ? 'invoice' : 'invoices'}
        </Text>
        <Text size="sm" fw={500}>
          {appointments.length} {appointments.length === 1 ? 'appointment' : 'appointments'}
        </Text>
        {appointments.map((appointment) => (
          <Text key={appointment.id} size="sm">
            {describe(appointment)} · {appointment.status.replace('_', ' ').toLowerCase()}
          </Text>
        ))}
      </Stack>
    </Card>
  );
}
