import type { Appointment } from '@pms/contracts/http';
import type { ReactNode } from 'react';
import { resourceNames } from '../lib/calendar.js';
import { useDoctors } from '../lib/queries.js';
import { dateTimeIn } from '../lib/time.js';
import { DataTable, type Column } from './DataTable.js';
import { StatusBadge } from './StatusBadge.js';

/** Appointments with their doctor's name, in the doctor's time zone; `actions` adds a last column. */
export function AppointmentTable({ items, actions }: { items: Appointment[]; actions?: (appointment: Appointment) => ReactNode }) {
  const doctors = useDoctors();
  const doctorOf = (id: string) => doctors.data?.items.find((doctor) => doctor.id === id);
  const columns: Column<Appointment>[] = [
    { header: 'When', cell: (appointment) => dateTimeIn(appointment.startsAt, doctorOf(appointment.doctorId)?.timeZone) },
    { header: 'Doctor', cell: (appointment) => doctorOf(appointment.doctorId)?.name ?? '…' },
    { header: 'Room and devices', cell: (appointment) => resourceNames(appointment) },
    { header: 'Reason', cell: (appointment) => appointment.reason ?? '' },
    { header: 'Status', cell: (appointment) => <StatusBadge status={appointment.status} /> },
  ];
  if (actions) columns.push({ header: 'Actions', cell: actions });
  return <DataTable label="Appointments" columns={columns} rows={items} empty="No appointments." />;
}
