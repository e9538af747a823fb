import { Group, NativeSelect, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import type { Patient } from '@pms/contracts/http';
import { useState } from 'react';
import { usePage, usePatient } from '../lib/queries.js';

/** Search by name or email, then choose: the patient a booking is for. */
export function PatientPicker({ value, onChange, error }: { value: string; onChange: (patientId: string) => void; error?: string }) {
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const chosen = usePatient(value || undefined);
  const found = usePage<Patient>('patients', '/api/patients', { q, pageSize: 20 }, { keepPrevious: true });
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
        error={error}
      />
    </Group>
  );
}
