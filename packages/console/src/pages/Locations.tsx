import { Badge, Button, Modal, Stack, TextInput } from '@mantine/core';
import { LocationInput, type Location } from '@pms/contracts/http';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useSession } from '../api/session.js';
import { DataTable, type Column } from '../components/DataTable.js';
import { FormAlert, SubmitRow } from '../components/FormAlert.js';
import { HoursRows, toHoursRows, weekdays, type HoursRow } from '../components/HoursRows.js';
import { PageTitle } from '../components/PageTitle.js';
import { orNull, useZodForm } from '../forms/useZodForm.js';
import { useLocations } from '../lib/floor.js';
import { refreshAfterWrite } from '../lib/queries.js';

const openingHoursText = (location: Location) =>
  location.openingHours.map((block) => `${weekdays[block.weekday - 1]?.slice(0, 3)} ${block.start}–${block.end}`).join(', ') || '—';

function LocationForm({ location, onSaved }: { location?: Location; onSaved: () => void }) {
  const { api } = useSession();
  const [hours, setHours] = useState<HoursRow[]>(toHoursRows(location?.openingHours ?? []));
  const form = useZodForm({
    schema: LocationInput,
    initial: { name: location?.name ?? '', address: location?.address ?? '', timeZone: location?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone },
    toInput: (values) => ({ ...values, address: orNull(values.address), openingHours: hours.map((block) => ({ ...block, weekday: Number(block.weekday) })) }),
    submit: async (input) => {
      await (location ? api.put(`/api/locations/${location.id}`, input) : api.post('/api/locations', input));
      onSaved();
    },
  });
  return (
    <form onSubmit={form.onSubmit} noValidate aria-label="Location">
      <Stack gap="sm">
        <FormAlert message={form.formError} />
        <TextInput label="Name" required {...form.field('name')} />
        <TextInput label="Address" {...form.field('address')} />
        <TextInput label="Time zone" description="IANA name, e.g. Europe/Berlin: opening and working hours there are in it" required {...form.field('timeZone')} />
        <HoursRows label="Opening hours" rows={hours} onChange={setHours} errors={form.errors} errorPath="openingHours" editable />
        <Button variant="default" onClick={() => setHours([...hours, { weekday: '1', start: '08:00', end: '18:00' }])}>
          Add opening hours
        </Button>
        <SubmitRow label={location ? 'Save location' : 'Create location'} submitting={form.submitting} />
      </Stack>
    </form>
  );
}

/** The clinic's sites: admins create and edit them, staff see them. */
export default function Locations() {
  const { claims } = useSession();
  const queries = useQueryClient();
  const locations = useLocations();
  const admin = claims?.role === 'admin';
  const [editing, setEditing] = useState<Location | 'new'>();
  const columns: Column<Location>[] = [
    { header: 'Name', cell: (location) => (location.isDefault ? <>{location.name} <Badge variant="light">default</Badge></> : location.name) },
    { header: 'Address', cell: (location) => location.address ?? '—' },
    { header: 'Time zone', cell: (location) => location.timeZone },
    { header: 'Opening hours', cell: openingHoursText },
  ];
  if (admin) {
    columns.push({
      header: 'Actions',
      cell: (location) => (
        <Button size="compact-xs" variant="subtle" onClick={() => setEditing(location)} aria-label={`Edit ${location.name}`}>
          Edit
        </Button>
      ),
    });
  }
  const saved = async () => {
    setEditing(undefined);
    await refreshAfterWrite(queries, ['locations']);
  };
  return (
    <>
      <PageTitle title="Locations">{admin && <Button onClick={() => setEditing('new')}>New location</Button>}</PageTitle>
      <DataTable label="Locations" columns={columns} rows={locations.data?.items ?? []} empty={locations.isPending ? 'Loading…' : 'No locations yet.'} />
      <Modal opened={Boolean(editing)} onClose={() => setEditing(undefined)} title={editing === 'new' ? 'New location' : 'Edit location'} size="xl">
        {editing && <LocationForm location={editing === 'new' ? undefined : editing} onSaved={() => void saved()} />}
      </Modal>
    </>
  );
}
