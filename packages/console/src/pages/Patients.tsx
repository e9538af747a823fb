import { Anchor, Button, Group, Modal, Pagination, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import type { Patient, PatientInput } from '@pms/contracts/http';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { isStaff, useSession } from '../api/session.js';
import { PageTitle } from '../components/PageTitle.js';
import { PatientForm } from '../components/PatientForm.js';
import { query, type Page } from '../lib/queries.js';

const PAGE_SIZE = 20;

export default function Patients() {
  const { api, claims } = useSession();
  const navigate = useNavigate();
  const queries = useQueryClient();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const [page, setPage] = useState(1);
  const [creating, setCreating] = useState(false);
  const patients = useQuery({
    queryKey: ['patients', q, page],
    queryFn: () => api.get<Page<Patient>>(`/api/patients${query({ q, page, pageSize: PAGE_SIZE })}`),
    placeholderData: keepPreviousData,
  });

  const create = async (input: PatientInput) => {
    const created = await api.post<Patient>('/api/patients', input);
    await queries.invalidateQueries({ queryKey: ['patients'] });
    setCreating(false);
    void navigate(`/patients/${created.id}`);
  };

  const total = patients.data?.total ?? 0;
  return (
    <>
      <PageTitle title="Patients">{isStaff(claims) && <Button onClick={() => setCreating(true)}>New patient</Button>}</PageTitle>
      <TextInput
        label="Search"
        description="Name or email"
        value={search}
        onChange={(event) => {
          setSearch(event.currentTarget.value);
          setPage(1);
        }}
        mb="md"
        maw={360}
      />
      <Table striped highlightOnHover aria-label="Patients">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Email</Table.Th>
            <Table.Th>Date of birth</Table.Th>
            <Table.Th>Phone</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {patients.data?.items.map((patient) => (
            <Table.Tr key={patient.id}>
              <Table.Td>
                <Anchor component={Link} to={`/patients/${patient.id}`}>
                  {patient.name}
                </Anchor>
              </Table.Td>
              <Table.Td>{patient.email}</Table.Td>
              <Table.Td>{patient.dateOfBirth}</Table.Td>
              <Table.Td>{patient.phone ?? ''}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group justify="space-between" mt="md">
        <Text size="sm" c="dimmed">
          {total} patient{total === 1 ? '' : 's'}
        </Text>
        <Pagination total={Math.max(1, Math.ceil(total / PAGE_SIZE))} value={page} onChange={setPage} aria-label="Pages" />
      </Group>
      <Modal opened={creating} onClose={() => setCreating(false)} title="New patient">
        <PatientForm submitLabel="Create patient" onSubmit={create} />
      </Modal>
    </>
  );
}
