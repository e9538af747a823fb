import { Table, Text } from '@mantine/core';
import type { Appointment } from '@pms/contracts/http';
import type { ReactNode } from 'react';
import { useDoctors } from '../lib/queries.js';
import { dateTimeIn } from '../lib/time.js';
import { StatusBadge } from './StatusBadge.js';

/** Appointments with their doctor's name, in the doctor's time zone; `actions` adds a last column. */
export function AppointmentTable({ items, actions }: { items: Appointment[]; actions?: (appointment: Appointment) => ReactNode }) {
  const doctors = useDoctors();
  const doctorOf = (id: string) => doctors.data?.items.find((doctor) => doctor.id === id);
  if (items.length === 0) return <Text c="dimmed">No appointments.</Text>;
  return (
    <Table aria-label="Appointments">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>When</Table.Th>
          <Table.Th>Doctor</Table.Th>
          <Table.Th>Reason</Table.Th>
          <Table.Th>Status</Table.Th>
          {actions && <Table.Th>Actions</Table.Th>}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {items.map((appointment) => {
          const doctor = doctorOf(appointment.doctorId);
          return (
            <Table.Tr key={appointment.id}>
              <Table.Td>{dateTimeIn(appointment.startsAt, doctor?.timeZone)}</Table.Td>
              <Table.Td>{doctor?.name ?? '…'}</Table.Td>
              <Table.Td>{appointment.reason ?? ''}</Table.Td>
              <Table.Td>
                <StatusBadge status={appointment.status} />
              </Table.Td>
              {actions && <Table.Td>{actions(appointment)}</Table.Td>}
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}
