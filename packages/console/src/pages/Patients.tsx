import { Button, Modal, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import type { Patient, PatientInput } from '@pms/contracts/http';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { isStaff, useSession } from '../api/session.js';
import { DataTable, RowLink, type Column } from '../components/DataTable.js';
import { PageTitle } from '../components/PageTitle.js';
import { PatientForm } from '../components/PatientForm.js';
import { usePage, refreshAfterWrite } from '../lib/queries.js';

const PAGE_SIZE = 20;

const columns: Column<Patient>[] = [
  { header: 'Name', cell: (patient) => <RowLink to={`/patients/${patient.id}`}>{patient.name}</RowLink> },
  { header: 'Email', cell: (patient) => patient.email },
  { header: 'Date of birth', cell: (patient) => patient.dateOfBirth },
  { header: 'Phone', cell: (patient) => patient.phone ?? '' },
];

export default function Patients() {
  const { api, claims } = useSession();
  const navigate = useNavigate();
  const queries = useQueryClient();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const [page, setPage] = useState(1);
  const [creating, setCreating] = useState(false);
  const patients = usePage<Patient>('patients', '/api/patients', { q, page, pageSize: PAGE_SIZE }, { keepPrevious: true });

  const create = async (input: PatientInput) => {
    const created = await api.post<Patient>('/api/patients', input);
    await refreshAfterWrite(queries, ['patients']);
    setCreating(false);
    void navigate(`/patients/${created.id}`);
  };

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
      <DataTable label="Patients" columns={columns} empty={q ? 'No patient matches.' : 'No patients yet.'} paged={{ data: patients.data, page, pageSize: PAGE_SIZE, onPage: setPage, noun: ['patient', 'patients'] }} />
      <Modal opened={creating} onClose={() => setCreating(false)} title="New patient">
        <PatientForm submitLabel="Create patient" onSubmit={create} />
      </Modal>
    </>
  );
}
