import { Button, Group, Modal, NativeSelect, Stack, TextInput } from '@mantine/core';
import { waitlistStatuses, WaitlistInput, type WaitlistEntry } from '@pms/contracts/http';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { describeError } from '../api/errors.js';
import { useSession } from '../api/session.js';
import { AcceptOffer } from '../components/AcceptOffer.js';
import { DataTable, type Column } from '../components/DataTable.js';
import { FormAlert, SubmitRow } from '../components/FormAlert.js';
import { PageTitle } from '../components/PageTitle.js';
import { PatientLink } from '../components/PatientLink.js';
import { PatientPicker } from '../components/PatientPicker.js';
import { DoctorSelect, TypeSelect } from '../components/SchedulingPickers.js';
import { StatusBadge } from '../components/StatusBadge.js';
import { orUndefined, useZodForm } from '../forms/useZodForm.js';
import { useDoctors, usePage, refreshAfterWrite } from '../lib/queries.js';
import { dateTimeIn, instantFor } from '../lib/time.js';

const PAGE_SIZE = 20;

function JoinForm({ onJoined }: { onJoined: () => void }) {
  const { api } = useSession();
  const doctors = useDoctors();
  const form = useZodForm({
    schema: WaitlistInput,
    initial: { patientId: '', doctorId: '', from: '', to: '', appointmentTypeId: '' },
    toInput: (values) => {
      const timeZone = doctors.data?.items.find((doctor) => doctor.id === values.doctorId)?.timeZone ?? 'UTC';
      return { ...values, from: instantFor(values.from, timeZone), to: instantFor(values.to, timeZone), appointmentTypeId: orUndefined(values.appointmentTypeId) };
    },
    submit: async (input) => {
      await api.post('/api/waitlist', input);
      onJoined();
    },
  });
  return (
    <form onSubmit={form.onSubmit} noValidate aria-label="Waitlist entry">
      <Stack gap="sm">
        <FormAlert message={form.formError} />
        <PatientPicker value={form.values.patientId} onChange={(id) => form.set('patientId', id)} error={form.errors.patientId} />
        <DoctorSelect {...form.field('doctorId')} />
        <Group grow>
          <TextInput label="From" description="Doctor's local time" type="datetime-local" required {...form.field('from')} />
          <TextInput label="Until" description="Doctor's local time" type="datetime-local" required {...form.field('to')} />
        </Group>
        <TypeSelect {...form.field('appointmentTypeId')} />
        <SubmitRow label="Add to waitlist" submitting={form.submitting} />
      </Stack>
    </form>
  );
}

/** Patients waiting for a freed slot: who, with whom, when they could come, and what they were offered. */
export default function Waitlist() {
  const { api } = useSession();
  const queries = useQueryClient();
  const doctors = useDoctors();
  const [doctorId, setDoctorId] = useState('');
  const [status, setStatus] = useState('');
  const [page, setPage] = useState(1);
  const [joining, setJoining] = useState(false);
  const [error, setError] = useState<string>();
  const entries = usePage<WaitlistEntry>('waitlist', '/api/waitlist', { doctorId, status, page, pageSize: PAGE_SIZE }, { keepPrevious: true });
  const doctorOf = (id: string) => doctors.data?.items.find((doctor) => doctor.id === id);
  const remove = async (entry: WaitlistEntry) => {
    setError(undefined);
    try {
      await api.delete(`/api/waitlist/${entry.id}`);
      await refreshAfterWrite(queries, ['waitlist']);
    } catch (failure) {
      setError(describeError(failure));
    }
  };
  const columns: Column<WaitlistEntry>[] = [
    { header: 'Patient', cell: (entry) => <PatientLink id={entry.patientId} /> },
    { header: 'Doctor', cell: (entry) => doctorOf(entry.doctorId)?.name ?? '…' },
    {
      header: 'Could come',
      cell: (entry) => `${dateTimeIn(entry.from, doctorOf(entry.doctorId)?.timeZone)} – ${dateTimeIn(entry.to, doctorOf(entry.doctorId)?.timeZone)}`,
    },
    { header: 'Status', cell: (entry) => <StatusBadge status={entry.status} /> },
    {
      header: 'Offer',
      cell: (entry) =>
        entry.offeredStartsAt
          ? `${dateTimeIn(entry.offeredStartsAt, doctorOf(entry.doctorId)?.timeZone)}${entry.status === 'OFFERED' && entry.offerExpiresAt ? `, until ${dateTimeIn(entry.offerExpiresAt)}` : ''}`
          : '',
    },
    {
      header: 'Actions',
      cell: (entry) =>
        (entry.status === 'WAITING' || entry.status === 'OFFERED') && (
          <Group gap={4}>
            <AcceptOffer entry={entry} />
            <Button size="compact-xs" variant="subtle" color="red" onClick={() => void remove(entry)}>
              Remove
            </Button>
          </Group>
        ),
    },
  ];
  return (
    <>
      <PageTitle title="Waitlist">
        <Button onClick={() => setJoining(true)}>Add to waitlist</Button>
      </PageTitle>
      <Group align="flex-end" mb="md">
        <DoctorSelect filter value={doctorId} onChange={(e) => (setDoctorId(e.currentTarget.value), setPage(1))} />
        <NativeSelect label="Status" value={status} onChange={(e) => (setStatus(e.currentTarget.value), setPage(1))} data={[{ value: '', label: 'Any' }, ...waitlistStatuses]} />
      </Group>
      <FormAlert message={error} />
      <DataTable label="Waitlist" columns={columns} empty="Nobody is waiting." paged={{ data: entries.data, page, pageSize: PAGE_SIZE, onPage: setPage, noun: ['entry', 'entries'] }} />
      <Modal opened={joining} onClose={() => setJoining(false)} title="Add to the waitlist" size="lg">
        {joining && (
          <JoinForm
            onJoined={() => {
              setJoining(false);
              void refreshAfterWrite(queries, ['waitlist']);
            }}
          />
        )}
      </Modal>
    </>
  );
}
