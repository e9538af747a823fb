import { ActionIcon, Button, Group, NativeSelect, Stack, Text, TextInput } from '@mantine/core';
import { resourceCategories, type ResourceRequirement } from '@pms/contracts/http';
import type { FieldErrors } from '../forms/errors.js';
import { categoryLabels } from '../lib/floor.js';

/** The rooms and devices a type needs, e.g. a Room of kind EXAM and Equipment of kind ULTRASOUND. */
export function RequirementRows({ rows, onChange, errors }: { rows: ResourceRequirement[]; onChange: (rows: ResourceRequirement[]) => void; errors: FieldErrors }) {
  const change = (index: number, patch: Partial<ResourceRequirement>) => onChange(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  return (
    <Stack gap={6}>
      <Text size="sm" fw={500}>
        Needs
      </Text>
      {rows.length === 0 && (
        <Text size="sm" c="dimmed">
          Only the doctor.
        </Text>
      )}
      {rows.map((row, index) => (
        <Group key={index} align="flex-end" role="group" aria-label={`Needs ${index + 1}`}>
          <NativeSelect
            label="Category"
            value={row.category}
            onChange={(e) => change(index, { category: e.currentTarget.value as ResourceRequirement['category'] })}
            data={resourceCategories.map((category) => ({ value: category, label: categoryLabels[category] }))}
          />
          <TextInput
            label="Kind"
            value={row.kind}
            onChange={(e) => change(index, { kind: e.currentTarget.value.toUpperCase() })}
            error={errors[`requiredResources.${index}.kind`] ?? errors[`requiredResources.${index}`]}
          />
          <ActionIcon variant="subtle" color="red" size="lg" aria-label={`Remove need ${index + 1}`} onClick={() => onChange(rows.filter((_, i) => i !== index))}>
            ×
          </ActionIcon>
        </Group>
      ))}
      <Group>
        <Button variant="default" size="xs" onClick={() => onChange([...rows, { category: 'ROOM', kind: '' }])}>
          Add a room or device
        </Button>
      </Group>
      {errors.requiredResources && (
        <Text size="sm" c="red">
          {errors.requiredResources}
        </Text>
      )}
    </Stack>
  );
}
