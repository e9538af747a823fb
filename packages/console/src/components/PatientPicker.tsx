import { Group, NativeSelect, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import type { Patient } from '@pms/contracts/http';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useApi } from '../api/session.js';
import { query, usePatient, type Page } from '../lib/queries.js';

/** Search by name or email, then choose: the patient a booking is for. */
export function PatientPicker({ value, onChange }: { value: string; onChange: (patientId: string) => void }) {
  const api = useApi();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const chosen = usePatient(value || undefined);
  const found = useQuery({
    queryKey: ['patients', q, 'picker'],
    queryFn: () => api.get<Page<Patient>>(`/api/patients${query({ q, pageSize: 20 })}`),
    placeholderData: keepPreviousData,
  });
  const options = [...(found.data?.items ?? [])];
  if (chosen.data && !options.some((patient) => patient.id === chosen.data.id)) options.unshift(chosen.data);
  return (
    <Group align="flex-end">
      <TextInput label="Find patient" placeholder="Name or email" value={search} onChange={(e) => setSearch(e.currentTarget.value)} />
      <NativeSelect
        label="Patient"
        value={value}
        onChange={(e) => onChange(e.currentTarget.value)}
        data={[{ value: '', label: 'Choose a patient…' }, ...options.map((patient) => ({ value: patient.id, label: `${patient.name} (${patient.email})` }))]}
        miw={260}
      />
    </Group>
  );
}
