import { ActionIcon, Group, NativeSelect, Text, TextInput } from '@mantine/core';
import type { ReactNode } from 'react';
import type { FieldErrors } from '../forms/errors.js';

export const weekdays = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** One weekly block as its inputs hold it (weekday '1' = Monday); `locationId` '' = the default location. */
export interface HoursRow {
  weekday: string;
  start: string;
  end: string;
  locationId?: string;
}

export const toHoursRows = <T extends { weekday: number }>(hours: T[]) => hours.map((block) => ({ ...block, weekday: String(block.weekday) }));

/**
 * Weekly blocks of clock times (a doctor's working hours, a location's opening hours): any number
 * per weekday. `errorPath` is the field the blocks are sent as, so the server's and the schema's
 * errors (`hours.2.end`) land next to their inputs; `extra` adds inputs to a row.
 */
export function HoursRows(props: {
  label: string;
  rows: HoursRow[];
  onChange: (rows: HoursRow[]) => void;
  errors: FieldErrors;
  errorPath: string;
  editable: boolean;
  extra?: (row: HoursRow, change: (patch: Partial<HoursRow>) => void) => ReactNode;
}) {
  const { rows, errors, errorPath, editable } = props;
  const change = (index: number, patch: Partial<HoursRow>) => props.onChange(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  if (rows.length === 0) return <Text c="dimmed">No {props.label.toLowerCase()} yet.</Text>;
  return rows.map((row, index) => (
    <Group key={index} align="flex-end" role="group" aria-label={`${props.label} ${index + 1}`}>
      <NativeSelect
        label="Day"
        value={row.weekday}
        onChange={(e) => change(index, { weekday: e.currentTarget.value })}
        data={weekdays.map((label, i) => ({ value: String(i + 1), label }))}
        disabled={!editable}
      />
      <TextInput
        label="Start"
        type="time"
        value={row.start}
        onChange={(e) => change(index, { start: e.currentTarget.value })}
        error={errors[`${errorPath}.${index}.start`] ?? errors[`${errorPath}.${index}`]}
        disabled={!editable}
      />
      <TextInput label="End" type="time" value={row.end} onChange={(e) => change(index, { end: e.currentTarget.value })} error={errors[`${errorPath}.${index}.end`]} disabled={!editable} />
      {props.extra?.(row, (patch) => change(index, patch))}
      {editable && (
        <ActionIcon variant="subtle" color="red" size="lg" aria-label={`Remove ${props.label.toLowerCase()} ${index + 1}`} onClick={() => props.onChange(rows.filter((_, i) => i !== index))}>
          ×
        </ActionIcon>
      )}
    </Group>
  ));
}
