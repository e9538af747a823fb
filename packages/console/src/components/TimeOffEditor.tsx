import { Button, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { TimeOffInput } from '@pms/contracts/http';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../api/session.js';
import { orUndefined, useZodForm } from '../forms/useZodForm.js';
import { dateTimeIn, instantFor } from '../lib/time.js';
import { FormAlert } from './FormAlert.js';
import { refreshAfterWrite } from '../lib/queries.js';

interface TimeOff {
  id: string;
  startsAt: string;
  endsAt: string;
  reason: string | null;
}

/**
 * Time off of a doctor, or maintenance of a room or device: `owner` is its path in the API
 * (`/api/doctors/<id>`, `/api/rooms/<id>`). Typed and shown in the zone where it takes place, not
 * the browser's.
 */
export function TimeOffEditor({ owner, title = 'Time off', timeZone, editable }: { owner: string; title?: string; timeZone: string; editable: boolean }) {
  const api = useApi();
  const queries = useQueryClient();
  const list = useQuery({ queryKey: ['time-off', owner], queryFn: () => api.get<{ items: TimeOff[] }>(`${owner}/time-off`) });
  const refresh = async () => {
    // Free time changes with it: a doctor's own, or every doctor's who needs the room.
    await refreshAfterWrite(queries, ['time-off', owner], ['availability']);
  };
  const form = useZodForm({
    schema: TimeOffInput,
    initial: { startsAt: '', endsAt: '', reason: '' },
    toInput: (values) => ({ startsAt: instantFor(values.startsAt, timeZone), endsAt: instantFor(values.endsAt, timeZone), reason: orUndefined(values.reason) }),
    submit: async (input) => {
      await api.post(`${owner}/time-off`, input);
      form.reset({ startsAt: '', endsAt: '', reason: '' });
      await refresh();
    },
  });
  const remove = async (id: string) => {
    await api.delete(`${owner}/time-off/${id}`);
    await refresh();
  };
  return (
    <section aria-label={title}>
      <Title order={3} mb="xs">
        {title}
      </Title>
      {list.data?.items.length ? (
        <Table aria-label={title}>
          <Table.Tbody>
            {list.data.items.map((entry) => (
              <Table.Tr key={entry.id}>
                <Table.Td>
                  {dateTimeIn(entry.startsAt, timeZone)} – {dateTimeIn(entry.endsAt, timeZone)}
                </Table.Td>
                <Table.Td>{entry.reason ?? ''}</Table.Td>
                <Table.Td>
                  {editable && (
                    <Button size="xs" variant="subtle" color="red" onClick={() => void remove(entry.id)}>
                      Remove
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : (
        <Text c="dimmed">No {title.toLowerCase()}.</Text>
      )}
      {editable && (
        <form onSubmit={form.onSubmit} noValidate aria-label={`Add ${title.toLowerCase()}`}>
          <Stack gap="sm" mt="sm">
            <FormAlert message={form.formError} />
            <Group align="flex-start">
              <TextInput label="From" type="datetime-local" {...form.field('startsAt')} />
              <TextInput label="Until" type="datetime-local" {...form.field('endsAt')} />
              <TextInput label="Reason" {...form.field('reason')} />
            </Group>
            <Group>
              <Button type="submit" variant="default" loading={form.submitting}>
                Add {title.toLowerCase()}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </section>
  );
}
