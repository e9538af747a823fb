import { Button, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { PatientOwnerBody, UserListQuery, type Patient, type User } from '@pms/contracts/http';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, describeError } from '../api/errors.js';
import { useSession } from '../api/session.js';
import { useZodForm } from '../forms/useZodForm.js';
import { query, refreshAfterWrite } from '../lib/queries.js';
import { FormAlert } from './FormAlert.js';

const FindAccount = UserListQuery.required({ email: true });

/**
 * Which sign-in owns the record (staff, admin): a patient who registered under another email
 * gets their record linked here, found by the email they signed up with.
 */
export function AccountLink({ patient }: { patient: Patient }) {
  const { api } = useSession();
  const queries = useQueryClient();
  const [found, setFound] = useState<User>();
  const [error, setError] = useState<string>();
  const form = useZodForm({
    schema: FindAccount,
    initial: { email: '' },
    submit: async (input) => {
      setFound(undefined);
      const [user] = (await api.get<{ items: User[] }>(`/auth/users${query(input)}`)).items;
      // Said next to the field, like a server's field error.
      if (!user) throw new ApiError(404, 'USER_NOT_FOUND', 'No account found', [{ field: 'email', message: 'no account signs in with this email' }]);
      setFound(user);
    },
  });
  const setOwner = async (userId: string | null) => {
    setError(undefined);
    try {
      const saved = await api.put<Patient>(`/api/patients/${patient.id}/owner`, PatientOwnerBody.parse({ userId }));
      queries.setQueryData(['patient', patient.id], saved);
      // The link is audited: the admin's trail on the same page shows it.
      await refreshAfterWrite(queries, ['audit', patient.id]);
      setFound(undefined);
      form.reset({ email: '' });
    } catch (failure) {
      setError(describeError(failure));
    }
  };
  return (
    <section aria-labelledby="account-heading">
      <Title order={3} id="account-heading" mb="xs">
        Account
      </Title>
      <Stack gap="xs">
        <FormAlert message={error} />
        {patient.ownerUserId ? (
          <Group>
            <Text size="sm">Linked to a sign-in: the patient sees this record in their portal.</Text>
            <Button size="compact-sm" variant="default" onClick={() => void setOwner(null)}>
              Unlink account
            </Button>
          </Group>
        ) : (
          <Text size="sm">No sign-in owns this record yet.</Text>
        )}
        <form onSubmit={form.onSubmit} noValidate aria-label="Find account">
          <Group align="flex-end">
            <TextInput label="Account email" type="email" {...form.field('email')} />
            <Button type="submit" variant="default" loading={form.submitting}>
              Find account
            </Button>
          </Group>
          <FormAlert message={form.formError} />
        </form>
        {found && (
          <Group>
            <Text size="sm">
              {found.name ?? found.email} ({found.role}
              {found.emailVerified ? ', verified' : ', email not verified'})
            </Text>
            <Button size="compact-sm" onClick={() => void setOwner(found.id)} disabled={found.id === patient.ownerUserId}>
              Link to {found.email}
            </Button>
          </Group>
        )}
      </Stack>
    </section>
  );
}
