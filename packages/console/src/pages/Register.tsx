import { Anchor, Button, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { RegisterBody } from '@pms/contracts/http';
import { Link, useNavigate } from 'react-router';
import { useApi } from '../api/session.js';
import { CenteredCard } from '../components/CenteredCard.js';
import { FormAlert } from '../components/FormAlert.js';
import { orUndefined, useZodForm } from '../forms/useZodForm.js';

/** Self-registration (always a patient); signs the new user in and sends them to their portal. */
export function Register() {
  const api = useApi();
  const navigate = useNavigate();
  const form = useZodForm({
    schema: RegisterBody,
    initial: { name: '', email: '', password: '' },
    toInput: (values) => ({ ...values, name: orUndefined(values.name) }),
    submit: async (input) => {
      await api.post('/auth/register', input);
      await api.signIn(input.email, input.password);
      void navigate('/portal', { replace: true });
    },
  });
  return (
    <CenteredCard title="Create your patient account">
      <form onSubmit={form.onSubmit} noValidate aria-label="Register">
        <Stack>
          <FormAlert message={form.formError} />
          <TextInput label="Name" autoComplete="name" {...form.field('name')} />
          <TextInput label="Email" type="email" autoComplete="email" required {...form.field('email')} />
          <PasswordInput label="Password" autoComplete="new-password" description="At least 8 characters" required {...form.field('password')} />
          <Button type="submit" loading={form.submitting}>
            Create account
          </Button>
          <Text size="sm" ta="center">
            Already registered?{' '}
            <Anchor component={Link} to="/sign-in">
              Sign in
            </Anchor>
          </Text>
        </Stack>
      </form>
    </CenteredCard>
  );
}
