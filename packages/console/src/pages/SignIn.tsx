import { Anchor, Button, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { LoginBody } from '@pms/contracts/http';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useApi } from '../api/session.js';
import { CenteredCard } from '../components/CenteredCard.js';
import { FormAlert } from '../components/FormAlert.js';
import { useZodForm } from '../forms/useZodForm.js';

export function SignIn() {
  const api = useApi();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const form = useZodForm({
    schema: LoginBody,
    initial: { email: '', password: '' },
    submit: async ({ email, password }) => {
      await api.signIn(email, password);
      const next = params.get('next');
      void navigate(next?.startsWith('/') ? next : '/', { replace: true });
    },
  });
  return (
    <CenteredCard title="Clinic console">
      <form onSubmit={form.onSubmit} noValidate aria-label="Sign in">
        <Stack>
          <FormAlert message={form.formError} />
          <TextInput label="Email" type="email" autoComplete="username" required {...form.field('email')} />
          <PasswordInput label="Password" autoComplete="current-password" required {...form.field('password')} />
          <Button type="submit" loading={form.submitting}>
            Sign in
          </Button>
          <Text size="sm" ta="center">
            New patient?{' '}
            <Anchor component={Link} to="/register">
              Create an account
            </Anchor>
          </Text>
        </Stack>
      </form>
    </CenteredCard>
  );
}
