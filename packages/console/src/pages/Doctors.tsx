import { Anchor, Badge, Button, Group, Modal, NativeSelect, Stack, Table, TextInput } from '@mantine/core';
import { DoctorInput, specialties, type Doctor } from '@pms/contracts/http';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useSession } from '../api/session.js';
import { FormAlert } from '../components/FormAlert.js';
import { PageTitle } from '../components/PageTitle.js';
import { orNull, useZodForm } from '../forms/useZodForm.js';
import { useDoctors } from '../lib/queries.js';

export const specialtyLabel = (specialty: string) => specialty.charAt(0) + specialty.slice(1).toLowerCase().replace('_', ' ');

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
        <Group justify="flex-end">
          <Button type="submit" loading={form.submitting}>
            Create doctor
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export default function Doctors() {
  const { claims } = useSession();
  const doctors = useDoctors();
  const queries = useQueryClient();
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  return (
    <>
      <PageTitle title="Doctors">{claims?.role === 'admin' && <Button onClick={() => setCreating(true)}>New doctor</Button>}</PageTitle>
      <Table striped aria-label="Doctors">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Specialty</Table.Th>
            <Table.Th>Email</Table.Th>
            <Table.Th>Status</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {doctors.data?.items.map((doctor) => (
            <Table.Tr key={doctor.id}>
              <Table.Td>
                <Anchor component={Link} to={`/doctors/${doctor.id}`}>
                  {doctor.name}
                </Anchor>
              </Table.Td>
              <Table.Td>{specialtyLabel(doctor.specialty)}</Table.Td>
              <Table.Td>{doctor.email}</Table.Td>
              <Table.Td>
                <Badge color={doctor.active ? 'green' : 'gray'} variant="light">
                  {doctor.active ? 'Active' : 'Inactive'}
                </Badge>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Modal opened={creating} onClose={() => setCreating(false)} title="New doctor">
        <DoctorForm
          onCreated={(doctor) => {
            void queries.invalidateQueries({ queryKey: ['doctors'] });
            setCreating(false);
            void navigate(`/doctors/${doctor.id}`);
          }}
        />
      </Modal>
    </>
  );
}
