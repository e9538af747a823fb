import { Button, Checkbox, Group, Modal, NativeSelect, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { EquipmentInput, RoomInput, type Location, type Resource, type ResourceCategory } from '@pms/contracts/http';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useSession } from '../api/session.js';
import { DataTable, type Column } from '../components/DataTable.js';
import { FormAlert, SubmitRow } from '../components/FormAlert.js';
import { PageTitle } from '../components/PageTitle.js';
import { TimeOffEditor } from '../components/TimeOffEditor.js';
import { orNumber, useZodForm } from '../forms/useZodForm.js';
import { chosenLocation, resourcePaths, useLocations, useResources } from '../lib/floor.js';
import { refreshAfterWrite } from '../lib/queries.js';

const nouns = {
  ROOM: { one: 'room', many: 'Rooms', kinds: 'e.g. EXAM, PROCEDURE' },
  EQUIPMENT: { one: 'device', many: 'Equipment', kinds: 'e.g. ULTRASOUND, ECG' },
} as const;

function ResourceForm({ category, resource, locations, onSaved }: { category: ResourceCategory; resource?: Resource; locations: Location[]; onSaved: () => void }) {
  const { api } = useSession();
  const room = category === 'ROOM';
  const form = useZodForm({
    schema: room ? RoomInput : EquipmentInput,
    initial: {
      name: resource?.name ?? '',
      kind: resource?.kind ?? '',
      // A room is somewhere; a new device too, unless made movable ('').
      locationId: resource ? (resource.locationId ?? '') : (chosenLocation(locations, undefined)?.id ?? ''),
      capacity: String(resource?.capacity ?? 1),
      active: String(resource?.active ?? true),
    },
    toInput: (values) => ({
      name: values.name,
      kind: values.kind.trim().toUpperCase(),
      locationId: values.locationId || (room ? '' : null),
      capacity: orNumber(values.capacity),
      active: values.active === 'true',
    }),
    submit: async (input) => {
      await (resource ? api.put(`${resourcePaths[category]}/${resource.id}`, input) : api.post(resourcePaths[category], input));
      onSaved();
    },
  });
  return (
    <form onSubmit={form.onSubmit} noValidate aria-label={room ? 'Room' : 'Device'}>
      <Stack gap="sm">
        <FormAlert message={form.formError} />
        <TextInput label="Name" required {...form.field('name')} />
        <SimpleGrid cols={2}>
          <TextInput label="Kind" description={nouns[category].kinds} required {...form.field('kind')} />
          <TextInput label="Capacity" description="Visits it holds at once" type="number" {...form.field('capacity')} />
        </SimpleGrid>
        <NativeSelect
          label="Location"
          required={room}
          {...form.field('locationId')}
          data={[...(room ? [] : [{ value: '', label: 'Movable (any location)' }]), ...locations.map((location) => ({ value: location.id, label: location.name }))]}
        />
        <Checkbox label="In service" checked={form.values.active === 'true'} onChange={(e) => form.set('active', String(e.currentTarget.checked))} error={form.errors.active} />
        <SubmitRow label={resource ? `Save ${nouns[category].one}` : `Create ${nouns[category].one}`} submitting={form.submitting} />
      </Stack>
    </form>
  );
}

/** Rooms or equipment (one screen, two categories): admins create, edit and plan maintenance; staff see them. */
export function ResourcesPage({ category }: { category: ResourceCategory }) {
  const { claims } = useSession();
  const queries = useQueryClient();
  const locations = useLocations();
  const resources = useResources(category);
  const admin = claims?.role === 'admin';
  const [editing, setEditing] = useState<Resource | 'new'>();
  const [servicing, setServicing] = useState<Resource>();
  const noun = nouns[category];
  const locationOf = (resource: Resource) => locations.data?.items.find((location) => location.id === resource.locationId);
  // Maintenance is typed in the zone of the place it happens (a movable device: the default location's).
  const zoneOf = (resource: Resource) => (locationOf(resource) ?? chosenLocation(locations.data?.items, undefined))?.timeZone ?? 'UTC';
  const columns: Column<Resource>[] = [
    { header: 'Name', cell: (resource) => resource.name },
    { header: 'Kind', cell: (resource) => resource.kind },
    { header: 'Location', cell: (resource) => (resource.locationId ? (locationOf(resource)?.name ?? '…') : 'Movable') },
    { header: 'Capacity', cell: (resource) => resource.capacity },
    { header: 'In service', cell: (resource) => (resource.active ? 'yes' : 'no') },
    {
      header: 'Actions',
      cell: (resource) => (
        <Group gap={4}>
          {admin && (
            <Button size="compact-xs" variant="subtle" onClick={() => setEditing(resource)} aria-label={`Edit ${resource.name}`}>
              Edit
            </Button>
          )}
          <Button size="compact-xs" variant="subtle" onClick={() => setServicing(resource)} aria-label={`Maintenance of ${resource.name}`}>
            Maintenance
          </Button>
        </Group>
      ),
    },
  ];
  const saved = async () => {
    setEditing(undefined);
    await refreshAfterWrite(queries, ['resources', category], ['availability']);
  };
  return (
    <>
      <PageTitle title={noun.many}>{admin && <Button onClick={() => setEditing('new')}>New {noun.one}</Button>}</PageTitle>
      <DataTable label={noun.many} columns={columns} rows={resources.data?.items ?? []} empty={resources.isPending ? 'Loading…' : `No ${noun.many.toLowerCase()} yet.`} />
      <Modal opened={Boolean(editing)} onClose={() => setEditing(undefined)} title={editing === 'new' ? `New ${noun.one}` : `Edit ${noun.one}`}>
        {editing && <ResourceForm category={category} resource={editing === 'new' ? undefined : editing} locations={locations.data?.items ?? []} onSaved={() => void saved()} />}
      </Modal>
      <Modal opened={Boolean(servicing)} onClose={() => setServicing(undefined)} title={servicing?.name} size="xl">
        {servicing && <TimeOffEditor owner={`${resourcePaths[category]}/${servicing.id}`} title="Maintenance" timeZone={zoneOf(servicing)} editable={admin} />}
      </Modal>
    </>
  );
}

export const Rooms = () => <ResourcesPage category="ROOM" />;
export const Equipment = () => <ResourcesPage category="EQUIPMENT" />;
