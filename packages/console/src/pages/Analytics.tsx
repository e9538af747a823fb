import { Alert, Card, Group, SimpleGrid, Text, TextInput } from '@mantine/core';
import type { Summary } from '@pms/contracts/http';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { describeError } from '../api/errors.js';
import { useApi } from '../api/session.js';
import { BarChart } from '../components/BarChart.js';
import { PageTitle } from '../components/PageTitle.js';
import { query, useDoctors } from '../lib/queries.js';
import { addDays, money } from '../lib/time.js';
import { specialtyLabel } from '../lib/labels.js';

const today = () => new Date().toISOString().slice(0, 10);

export default function Analytics() {
  const api = useApi();
  const doctors = useDoctors();
  const [from, setFrom] = useState(addDays(today(), -30));
  const [to, setTo] = useState(addDays(today(), 1));
  const valid = Boolean(from && to && from < to);
  const summary = useQuery({
    queryKey: ['analytics', from, to],
    queryFn: () => api.get<Summary>(`/api/analytics/summary${query({ from: `${from}T00:00:00Z`, to: `${to}T00:00:00Z` })}`),
    enabled: valid,
  });
  const eur = (cents: number) => money(cents, 'EUR');
  const doctorName = (id: string) => doctors.data?.items.find((doctor) => doctor.id === id)?.name ?? id.slice(0, 8);
  const data = summary.data;
  const totals = data?.totals;

  return (
    <>
      <PageTitle title="Analytics" />
      <Group mb="md" align="flex-start">
        <TextInput label="From" type="date" value={from} onChange={(e) => setFrom(e.currentTarget.value)} />
        <TextInput label="To (exclusive)" type="date" value={to} onChange={(e) => setTo(e.currentTarget.value)} error={valid ? undefined : 'must be after From'} />
      </Group>
      {summary.isError && <Alert color="red">{describeError(summary.error)}</Alert>}
      {totals && (
        <SimpleGrid cols={{ base: 2, md: 5 }} mb="md">
          {(
            [
              ['Patients registered', totals.patientsRegistered],
              ['Appointments booked', totals.appointmentsBooked],
              ['Cancelled', totals.appointmentsCancelled],
              ['Revenue invoiced', eur(totals.revenueInvoicedCents)],
              ['Revenue paid', eur(totals.revenuePaidCents)],
            ] as const
          ).map(([label, value]) => (
            <Card withBorder key={label}>
              <Text size="xs" c="dimmed">
                {label}
              </Text>
              <Text fw={700} size="xl">
                {value}
              </Text>
            </Card>
          ))}
        </SimpleGrid>
      )}
      {data && (
        <SimpleGrid cols={{ base: 1, lg: 2 }}>
          <BarChart title="Appointments by day" bars={data.byDay.map((row) => ({ label: row.day, value: row.appointmentsBooked }))} />
          <BarChart title="Revenue invoiced by day" format={eur} bars={data.byDay.map((row) => ({ label: row.day, value: row.revenueInvoicedCents }))} />
          <BarChart title="Appointments by doctor" bars={data.byDoctor.map((row) => ({ label: doctorName(row.doctorId), value: row.appointmentsBooked }))} />
          <BarChart title="Revenue by specialty" format={eur} bars={data.bySpecialty.map((row) => ({ label: specialtyLabel(row.specialty), value: row.revenueInvoicedCents }))} />
        </SimpleGrid>
      )}
    </>
  );
}
