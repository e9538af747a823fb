import { Button, Group, Loader, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { SchedulingPolicy } from '@pms/contracts/http';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useSession } from '../api/session.js';
import { FormAlert } from '../components/FormAlert.js';
import { PageTitle } from '../components/PageTitle.js';
import { orNumber, useZodForm } from '../forms/useZodForm.js';
import { usePolicy } from '../lib/scheduling.js';

const fields = [
  ['minimumNoticeMinutes', 'Minimum notice (minutes)', 'A patient books at least this long before the start'],
  ['maxAdvanceDays', 'Book at most (days ahead)', 'How far ahead a patient can book'],
  ['patientCancelCutoffHours', 'Cancel until (hours before)', 'Later, only staff can cancel'],
  ['patientRescheduleCutoffHours', 'Reschedule until (hours before)', 'Later, only staff can move the visit'],
] as const;
type Field = (typeof fields)[number][0];

function PolicyForm({ initial, editable }: { initial: SchedulingPolicy; editable: boolean }) {
  const { api } = useSession();
  const queries = useQueryClient();
  const [saved, setSaved] = useState(false);
  const form = useZodForm({
    schema: SchedulingPolicy,
    initial: Object.fromEntries(fields.map(([name]) => [name, String(initial[name])])) as Record<Field, string>,
    toInput: (values) => Object.fromEntries(fields.map(([name]) => [name, orNumber(values[name])])),
    submit: async (input) => {
      setSaved(false);
      queries.setQueryData(['policy'], await api.put<SchedulingPolicy>('/api/scheduling/policy', input));
      setSaved(true);
    },
  });
  return (
    <form onSubmit={form.onSubmit} noValidate aria-label="Booking policy">
      <Stack gap="sm" maw={640}>
        <FormAlert message={form.formError} />
        <SimpleGrid cols={2}>
          {fields.map(([name, label, description]) => (
            <TextInput key={name} label={label} description={description} type="number" required disabled={!editable} {...form.field(name)} />
          ))}
        </SimpleGrid>
        {editable && (
          <Group>
            <Button type="submit" loading={form.submitting}>
              Save policy
            </Button>
            {saved && (
              <Text c="green" role="status">
                Policy saved.
              </Text>
            )}
          </Group>
        )}
      </Stack>
    </form>
  );
}

/** The rules patients book by (staff and admins are not bound): admins edit, staff read. */
export default function Policy() {
  const { claims } = useSession();
  const policy = usePolicy();
  return (
    <>
      <PageTitle title="Booking policy" />
      <Text size="sm" mb="md">
        These limits bind patients booking, cancelling and moving their own appointments. Staff and admins are not bound by them.
      </Text>
      {policy.data ? <PolicyForm initial={policy.data} editable={claims?.role === 'admin'} /> : <Loader aria-label="Loading" />}
      {policy.isError && <FormAlert message={policy.error.message} />}
    </>
  );
}
