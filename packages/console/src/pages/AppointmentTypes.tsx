import { Button, Checkbox, Group, Modal, NativeSelect, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { AppointmentTypeInput, specialties, type AppointmentType, type ResourceRequirement } from '@pms/contracts/http';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { describeError } from '../api/errors.js';
import { useSession } from '../api/session.js';
import { DataTable, type Column } from '../components/DataTable.js';
import { FormAlert, SubmitRow } from '../components/FormAlert.js';
import { PageTitle } from '../components/PageTitle.js';
import { RequirementRows } from '../components/RequirementRows.js';
import { orNull, orNumber, useZodForm } from '../forms/useZodForm.js';
import { specialtyLabel } from '../lib/labels.js';
import { useAppointmentTypes } from '../lib/scheduling.js';
import { categoryLabels } from '../lib/floor.js';
import { money } from '../lib/time.js';
import { refreshAfterWrite } from '../lib/queries.js';

/** Euros as typed ("120", "89.50") to cents; '' bills by specialty. */
const cents = (euros: string) => (euros.trim() ? Math.round(Number(euros.replace(',', '.')) * 100) : null);

const needsText = (type: AppointmentType) => type.requiredResources.map((need) => `${categoryLabels[need.category]} ${need.kind}`).join(', ') || '—';

function TypeForm({ type, onSaved }: { type?: AppointmentType; onSaved: () => void }) {
  const { api } = useSession();
  // Sent with every save: a type edited here keeps the rooms and devices it needs.
  const [needs, setNeeds] = useState<ResourceRequirement[]>(type?.requiredResources ?? []);
  const form = useZodForm({
    schema: AppointmentTypeInput,
    initial: {
      name: type?.name ?? '',
      durationMinutes: String(type?.durationMinutes ?? 30),
      bufferBeforeMinutes: String(type?.bufferBeforeMinutes ?? 0),
      bufferAfterMinutes: String(type?.bufferAfterMinutes ?? 0),
      priceCents: type?.priceCents == null ? '' : String(type.priceCents / 100),
      specialty: type?.specialty ?? '',
      active: String(type?.active ?? true),
    },
    toInput: (values) => ({
      name: values.name,
      durationMinutes: orNumber(values.durationMinutes),
      bufferBeforeMinutes: orNumber(values.bufferBeforeMinutes),
      bufferAfterMinutes: orNumber(values.bufferAfterMinutes),
      priceCents: cents(values.priceCents),
      specialty: orNull(values.specialty),
      active: values.active === 'true',
      requiredResources: needs,
    }),
    submit: async (input) => {
      await (type ? api.put(`/api/appointment-types/${type.id}`, input) : api.post('/api/appointment-types', input));
      onSaved();
    },
  });
  return (
    <form onSubmit={form.onSubmit} noValidate aria-label="Appointment type">
      <Stack gap="sm">
        <FormAlert message={form.formError} />
        <TextInput label="Name" required {...form.field('name')} />
        <SimpleGrid cols={3}>
          <TextInput label="Duration (minutes)" type="number" required {...form.field('durationMinutes')} />
          <TextInput label="Buffer before (minutes)" type="number" {...form.field('bufferBeforeMinutes')} />
          <TextInput label="Buffer after (minutes)" type="number" {...form.field('bufferAfterMinutes')} />
        </SimpleGrid>
        <TextInput label="Price (EUR)" description="Empty: billed by specialty and duration" inputMode="decimal" {...form.field('priceCents')} />
        <NativeSelect
          label="Specialty"
          description="Only doctors of this specialty offer it"
          {...form.field('specialty')}
          data={[{ value: '', label: 'Any doctor' }, ...specialties.map((s) => ({ value: s, label: specialtyLabel(s) }))]}
        />
        <RequirementRows rows={needs} onChange={setNeeds} errors={form.errors} />
        <Checkbox
          label="Bookable"
          checked={form.values.active === 'true'}
          onChange={(event) => form.set('active', String(event.currentTarget.checked))}
          error={form.errors.active}
        />
        <SubmitRow label={type ? 'Save type' : 'Create type'} submitting={form.submitting} />
      </Stack>
    </form>
  );
}

/** Kinds of visit (length, buffers, price): admins edit them, staff see them. */
export default function AppointmentTypes() {
  const { api, claims } = useSession();
  const queries = useQueryClient();
  const types = useAppointmentTypes();
  const admin = claims?.role === 'admin';
  const [editing, setEditing] = useState<AppointmentType | 'new'>();
  const [error, setError] = useState<string>();
  const saved = async () => {
    setEditing(undefined);
    await refreshAfterWrite(queries, ['appointment-types']);
  };
  const remove = async (type: AppointmentType) => {
    setError(undefined);
    try {
      await api.delete(`/api/appointment-types/${type.id}`);
      await refreshAfterWrite(queries, ['appointment-types']);
    } catch (failure) {
      setError(describeError(failure));
    }
  };
  const columns: Column<AppointmentType>[] = [
    { header: 'Name', cell: (type) => type.name },
    { header: 'Duration', cell: (type) => `${type.durationMinutes} min` },
    { header: 'Buffers', cell: (type) => `${type.bufferBeforeMinutes} / ${type.bufferAfterMinutes} min` },
    { header: 'Price', cell: (type) => (type.priceCents == null ? 'by specialty' : money(type.priceCents, 'EUR')) },
    { header: 'Specialty', cell: (type) => (type.specialty ? specialtyLabel(type.specialty) : 'any') },
    { header: 'Needs', cell: needsText },
    { header: 'Bookable', cell: (type) => (type.active ? 'yes' : 'no') },
  ];
  if (admin) {
    columns.push({
      header: 'Actions',
      cell: (type) => (
        <Group gap={4}>
          <Button size="compact-xs" variant="subtle" onClick={() => setEditing(type)} aria-label={`Edit ${type.name}`}>
            Edit
          </Button>
          <Button size="compact-xs" variant="subtle" color="red" onClick={() => void remove(type)} aria-label={`Delete ${type.name}`}>
            Delete
          </Button>
        </Group>
      ),
    });
  }
  return (
    <>
      <PageTitle title="Appointment types">{admin && <Button onClick={() => setEditing('new')}>New type</Button>}</PageTitle>
      <FormAlert message={error} />
      <DataTable label="Appointment types" columns={columns} rows={types.data?.items ?? []} empty={types.isPending ? 'Loading…' : 'No appointment types yet.'} />
      <Modal opened={Boolean(editing)} onClose={() => setEditing(undefined)} title={editing === 'new' ? 'New appointment type' : 'Edit appointment type'}>
        {editing && <TypeForm type={editing === 'new' ? undefined : editing} onSaved={() => void saved()} />}
      </Modal>
    </>
  );
}
