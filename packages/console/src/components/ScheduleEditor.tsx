import { Alert, Button, Group, Loader, NativeSelect, Stack, Text, TextInput, Title } from '@mantine/core';
import { ScheduleInput } from '@pms/contracts/http';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { z } from 'zod';
import { describeError } from '../api/errors.js';
import { useApi } from '../api/session.js';
import { fieldErrorsOf, serverFieldErrors, type FieldErrors } from '../forms/errors.js';
import { useLocations } from '../lib/floor.js';
import { refreshAfterWrite } from '../lib/queries.js';
import { FormAlert } from './FormAlert.js';
import { HoursRows, toHoursRows, type HoursRow } from './HoursRows.js';

type Schedule = z.infer<typeof ScheduleInput>;
const presets = {
  'Weekdays 09:00–17:00': [1, 2, 3, 4, 5].map((day) => ({ weekday: String(day), start: '09:00', end: '17:00' })),
  'Every day 08:00–18:00': [1, 2, 3, 4, 5, 6, 7].map((day) => ({ weekday: String(day), start: '08:00', end: '18:00' })),
};

/**
 * The weekly working hours of a doctor (admin): any number of ranges per weekday. The editor
 * appears once the saved schedule is loaded, so nothing typed before is overwritten by it.
 */
export function ScheduleEditor({ doctorId, editable }: { doctorId: string; editable: boolean }) {
  const api = useApi();
  const schedule = useQuery({ queryKey: ['schedule', doctorId], queryFn: () => api.get<Schedule>(`/api/doctors/${doctorId}/schedule`) });
  if (schedule.isError) return <Alert color="red">{describeError(schedule.error)}</Alert>;
  if (!schedule.data) return <Loader aria-label="Loading schedule" />;
  return <ScheduleForm doctorId={doctorId} editable={editable} initial={schedule.data} />;
}

function ScheduleForm({ doctorId, editable, initial }: { doctorId: string; editable: boolean; initial: Schedule }) {
  const api = useApi();
  const queries = useQueryClient();
  const [timeZone, setTimeZone] = useState(initial.timeZone);
  const [slotMinutes, setSlotMinutes] = useState(String(initial.slotMinutes));
  const locations = useLocations();
  const [rows, setRows] = useState<HoursRow[]>(toHoursRows(initial.hours));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string>();
  const [saved, setSaved] = useState(false);
  const [saving, setSaving] = useState(false);

  const change = (next: HoursRow[]) => {
    setSaved(false);
    setRows(next);
  };

  const save = async () => {
    setFormError(undefined);
    setSaved(false);
    const input = { timeZone, slotMinutes: Number(slotMinutes), hours: rows.map((row) => ({ ...row, weekday: Number(row.weekday), locationId: row.locationId || undefined })) };
    const parsed = ScheduleInput.safeParse(input);
    if (!parsed.success) return setErrors(fieldErrorsOf(parsed.error));
    setErrors({});
    setSaving(true);
    try {
      queries.setQueryData(['schedule', doctorId], await api.put<Schedule>(`/api/doctors/${doctorId}/schedule`, parsed.data));
      await refreshAfterWrite(queries, ['availability', doctorId], ['doctor', doctorId]);
      setSaved(true);
    } catch (error) {
      setErrors(serverFieldErrors(error));
      setFormError(describeError(error));
    } finally {
      setSaving(false);
    }
  };

  return (
    <section aria-labelledby="schedule-heading">
      <Title order={3} id="schedule-heading" mb="xs">
        Weekly schedule
      </Title>
      <Stack gap="sm">
        <FormAlert message={formError} />
        <Group align="flex-start">
          <TextInput label="Time zone" value={timeZone} onChange={(e) => setTimeZone(e.currentTarget.value)} error={errors.timeZone} disabled={!editable} />
          <TextInput
            label="Slot minutes"
            type="number"
            value={slotMinutes}
            onChange={(e) => setSlotMinutes(e.currentTarget.value)}
            error={errors.slotMinutes}
            disabled={!editable}
            w={120}
          />
        </Group>
        <HoursRows
          label="Working hours"
          rows={rows}
          onChange={change}
          errors={errors}
          errorPath="hours"
          editable={editable}
          extra={(row, patch) => (
            <NativeSelect
              label="Location"
              value={row.locationId ?? ''}
              onChange={(e) => patch({ locationId: e.currentTarget.value })}
              data={[
                // A block without a location is at the default one, in the schedule's time zone.
                { value: '', label: `${locations.data?.items.find((location) => location.isDefault)?.name ?? 'Default location'} (schedule\u2019s zone)` },
                ...(locations.data?.items ?? []).filter((location) => !location.isDefault).map((location) => ({ value: location.id, label: `${location.name} (${location.timeZone})` })),
              ]}
              disabled={!editable}
            />
          )}
        />
        {editable && (
          <Group>
            <Button variant="default" onClick={() => change([...rows, { weekday: '1', start: '09:00', end: '17:00' }])}>
              Add hours
            </Button>
            {Object.entries(presets).map(([label, preset]) => (
              <Button key={label} variant="default" onClick={() => change(preset)}>
                {label}
              </Button>
            ))}
            <Button onClick={() => void save()} loading={saving}>
              Save schedule
            </Button>
          </Group>
        )}
        {saved && (
          <Text c="green" role="status">
            Schedule saved.
          </Text>
        )}
      </Stack>
    </section>
  );
}
