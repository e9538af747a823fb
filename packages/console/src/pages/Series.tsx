import { Button, Group, List, NativeSelect, Stack, Text, TextInput, Title } from '@mantine/core';
import { BookSeriesBody, RecurrenceFrequency, type Appointment, type Series as BookedSeries } from '@pms/contracts/http';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, describeError, type FieldError } from '../api/errors.js';
import { useSession } from '../api/session.js';
import { AppointmentTable } from '../components/AppointmentTable.js';
import { FormAlert, SubmitRow } from '../components/FormAlert.js';
import { PageTitle } from '../components/PageTitle.js';
import { PatientPicker } from '../components/PatientPicker.js';
import { DoctorSelect, TypeSelect } from '../components/SchedulingPickers.js';
import { orNumber, orUndefined, useZodForm } from '../forms/useZodForm.js';
import { useAppointments, useDoctors, refreshAfterWrite } from '../lib/queries.js';
import { dateTimeIn, instantFor } from '../lib/time.js';

const frequencyLabels: Record<string, string> = { DAILY: 'Every day', WEEKLY: 'Every week', MONTHLY: 'Every month' };

/** A 409 names each occurrence that cannot be booked: "<instant>: <why>" under `occurrences[i]`. */
function Conflicts({ details, timeZone }: { details: FieldError[]; timeZone: string }) {
  if (details.length === 0) return null;
  return (
    <List size="sm" aria-label="Occurrences that cannot be booked">
      {details.map((detail) => {
        const [instant = '', why = ''] = detail.message.split(': ');
        return <List.Item key={detail.field}>{`${dateTimeIn(instant, timeZone)}: ${why.replaceAll('_', ' ').toLowerCase()}`}</List.Item>;
      })}
    </List>
  );
}

function BookSeriesForm({ onBooked }: { onBooked: (series: BookedSeries) => void }) {
  const { api } = useSession();
  const doctors = useDoctors();
  const [conflicts, setConflicts] = useState<FieldError[]>([]);
  const timeZoneOf = (doctorId: string) => doctors.data?.items.find((doctor) => doctor.id === doctorId)?.timeZone ?? 'UTC';
  const form = useZodForm({
    schema: BookSeriesBody,
    initial: { patientId: '', doctorId: '', startsAt: '', appointmentTypeId: '', reason: '', 'recurrence.frequency': 'WEEKLY', 'recurrence.interval': '1', 'recurrence.count': '4' },
    toInput: (values) => ({
      patientId: values.patientId,
      doctorId: values.doctorId,
      startsAt: instantFor(values.startsAt, timeZoneOf(values.doctorId)),
      appointmentTypeId: orUndefined(values.appointmentTypeId),
      reason: orUndefined(values.reason),
      recurrence: { frequency: values['recurrence.frequency'], interval: orNumber(values['recurrence.interval']), count: orNumber(values['recurrence.count']) },
    }),
    submit: async (input) => {
      setConflicts([]);
      try {
        onBooked(await api.post<BookedSeries>('/api/appointments/series', input));
      } catch (failure) {
        if (failure instanceof ApiError) setConflicts(failure.details.filter((detail) => detail.field.startsWith('occurrences')));
        throw failure;
      }
    },
  });
  return (
    <form onSubmit={form.onSubmit} noValidate aria-label="Recurring series">
      <Stack gap="sm" maw={720}>
        <FormAlert message={form.formError} />
        <Conflicts details={conflicts} timeZone={timeZoneOf(form.values.doctorId)} />
        <PatientPicker value={form.values.patientId} onChange={(id) => form.set('patientId', id)} error={form.errors.patientId} />
        <Group grow align="flex-start">
          <DoctorSelect {...form.field('doctorId')} />
          <TypeSelect {...form.field('appointmentTypeId')} />
        </Group>
        <Group grow align="flex-start">
          <TextInput label="First visit" description="Doctor's local time" type="datetime-local" required miw={230} {...form.field('startsAt')} />
          <NativeSelect label="Repeat" {...form.field('recurrence.frequency')} data={RecurrenceFrequency.options.map((value) => ({ value, label: frequencyLabels[value] ?? value }))} />
          <TextInput label="Interval" description="2 = every second one" type="number" {...form.field('recurrence.interval')} />
          <TextInput label="Visits in all" type="number" required {...form.field('recurrence.count')} />
        </Group>
        <TextInput label="Reason" {...form.field('reason')} />
        <SubmitRow label="Book series" submitting={form.submitting} />
      </Stack>
    </form>
  );
}

/** The patient's series (appointments sharing a seriesId), each with "cancel the rest". */
function PatientSeries({ patientId }: { patientId: string }) {
  const { api } = useSession();
  const queries = useQueryClient();
  const appointments = useAppointments({ patientId });
  const [error, setError] = useState<string>();
  const bySeries = new Map<string, Appointment[]>();
  for (const appointment of appointments.data?.items ?? []) {
    if (appointment.seriesId) bySeries.set(appointment.seriesId, [...(bySeries.get(appointment.seriesId) ?? []), appointment]);
  }
  const cancelRest = async (seriesId: string) => {
    setError(undefined);
    try {
      await api.post(`/api/appointments/series/${seriesId}/cancel`, {});
      await refreshAfterWrite(queries, ['appointments'], ['availability']);
    } catch (failure) {
      setError(describeError(failure));
    }
  };
  if (bySeries.size === 0) return <Text c="dimmed">No series for this patient.</Text>;
  return (
    <Stack>
      <FormAlert message={error} />
      {[...bySeries].map(([seriesId, items], index) => (
        <section key={seriesId} aria-label={`Series ${index + 1}`}>
          <Group justify="space-between" mb={4}>
            <Text fw={600}>Series {index + 1}</Text>
            {items.some((item) => item.status === 'BOOKED') && (
              <Button size="compact-sm" variant="light" color="red" onClick={() => void cancelRest(seriesId)}>
                Cancel remaining visits
              </Button>
            )}
          </Group>
          <AppointmentTable items={items} />
        </section>
      ))}
    </Stack>
  );
}

/** Recurring visits: book a series in one go (all or nothing), see a patient's series, cancel the rest of one. */
export default function Series() {
  const queries = useQueryClient();
  const [patientId, setPatientId] = useState('');
  const [booked, setBooked] = useState<string>();
  return (
    <>
      <PageTitle title="Recurring series" />
      <Title order={3} mb="xs">
        Book a series
      </Title>
      <BookSeriesForm
        onBooked={(series) => {
          setBooked(`Booked ${series.appointments.length} visits.`);
          setPatientId(series.appointments[0]?.patientId ?? '');
          void refreshAfterWrite(queries, ['appointments']);
        }}
      />
      {booked && (
        <Text c="green" role="status" mt="xs">
          {booked}
        </Text>
      )}
      <Title order={3} mt="xl" mb="xs">
        A patient&apos;s series
      </Title>
      <Stack>
        <PatientPicker value={patientId} onChange={setPatientId} />
        {patientId && <PatientSeries patientId={patientId} />}
      </Stack>
    </>
  );
}
