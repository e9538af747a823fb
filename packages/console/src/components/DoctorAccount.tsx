import { Button, Group, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { CreateUserBody, type Doctor } from '@pms/contracts/http';
import { useState } from 'react';
import { useApi } from '../api/session.js';
import { useZodForm } from '../forms/useZodForm.js';
import { FormAlert } from './FormAlert.js';

/** An admin gives a doctor a sign-in of their own (role doctor, linked to the record). */
export function DoctorAccount({ doctor }: { doctor: Doctor }) {
  const api = useApi();
  const [created, setCreated] = useState<string>();
  const form = useZodForm({
    schema: CreateUserBody,
    initial: { email: doctor.email, password: '' },
    toInput: (values) => ({ ...values, name: doctor.name, role: 'doctor', doctorId: doctor.id }),
    submit: async (input) => {
      await api.post('/auth/users', input);
      setCreated(input.email);
    },
  });
  return (
    <section aria-labelledby="account-heading">
      <Title order={3} id="account-heading" mb="xs">
        Sign-in for this doctor
      </Title>
      {created ? (
        <Text role="status" c="green">
          {created} can now sign in.
        </Text>
      ) : (
        <form onSubmit={form.onSubmit} noValidate aria-label="Doctor sign-in">
          <Stack gap="sm">
            <FormAlert message={form.formError} />
            <Group align="flex-start">
              <TextInput label="Email" type="email" w={300} {...form.field('email')} />
              <PasswordInput label="Password" w={240} autoComplete="new-password" {...form.field('password')} />
            </Group>
            <Group>
              <Button type="submit" variant="default" loading={form.submitting}>
                Create sign-in
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </section>
  );
}
