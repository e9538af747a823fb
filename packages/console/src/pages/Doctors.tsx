import { Badge, Button, Modal, NativeSelect, Stack, TextInput } from '@mantine/core';
import { DoctorInput, specialties, type Doctor } from '@pms/contracts/http';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useSession } from '../api/session.js';
import { DataTable, RowLink, type Column } from '../components/DataTable.js';
import { FormAlert, SubmitRow } from '../components/FormAlert.js';
import { PageTitle } from '../components/PageTitle.js';
import { orNull, useZodForm } from '../forms/useZodForm.js';
import { specialtyLabel } from '../lib/labels.js';
import { useDoctors, refreshAfterWrite } from '../lib/queries.js';

function DoctorForm({ onCreated }: { onCreated: (doctor: Doctor) => void }) {
  const { api } = useSession();
  const form = useZodForm({
    schema: DoctorInput,
    initial: { name: '', email: '', phone: '', specialty: 'GENERAL_PRACTICE' },
    toInput: (values) => ({ ...values, phone: orNull(values.phone) }),
    submit: async (input) => onCreated(await api.post<Doctor>('/api/doctors', input)),
  });
  return (
    <form onSubmit={form.onSubmit} noValidate aria-label="Doctor">
      <Stack gap="sm">
        <FormAlert message={form.formError} />
        <TextInput label="Name" required {...form.field('name')} />
        <TextInput label="Email" type="email" required {...form.field('email')} />
        <TextInput label="Phone" type="tel" {...form.field('phone')} />
        <NativeSelect
          label="Specialty"
          data={specialties.map((value) => ({ value, label: specialtyLabel(value) }))}
          {...form.field('specialty')}
        />
        <SubmitRow label="Create doctor" submitting={form.submitting} />
      </Stack>
    </form>
  );
}

const doctorColumns: Column<Doctor>[] = [
  { header: 'Name', cell: (doctor) => <RowLink to={`/doctors/${doctor.id}`}>{doctor.name}</RowLink> },
  { header: 'Specialty', cell: (doctor) => specialtyLabel(doctor.specialty) },
  { header: 'Email', cell: (doctor) => doctor.email },
  {
    header: 'Status',
    cell: (doctor) => (
      <Badge color={doctor.active ? 'green' : 'gray'} variant="light">
        {doctor.active ? 'Active' : 'Inactive'}
      </Badge>
    ),
  },
];

export default function Doctors() {
  const { claims } = useSession();
  const doctors = useDoctors();
  const queries = useQueryClient();
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  return (
    <>
      <PageTitle title="Doctors">{claims?.role === 'admin' && <Button onClick={() => setCreating(true)}>New doctor</Button>}</PageTitle>
      <DataTable label="Doctors" columns={doctorColumns} rows={doctors.data?.items ?? []} empty={doctors.isPending ? 'Loading…' : 'No doctors yet.'} />
      <Modal opened={creating} onClose={() => setCreating(false)} title="New doctor">
        <DoctorForm
          onCreated={(doctor) => {
            void refreshAfterWrite(queries, ['doctors']);
            setCreating(false);
            void navigate(`/doctors/${doctor.id}`);
          }}
        />
      </Modal>
    </>
  );
}
