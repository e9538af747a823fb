import { Alert, Anchor, Loader, Stack, Text } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { describeError } from '../api/errors.js';
import { useSession } from '../api/session.js';
import { CenteredCard } from '../components/CenteredCard.js';

type State = { step: 'verifying' } | { step: 'done' } | { step: 'failed'; message: string };

/** The target of the link in the "Verify your email" mail: /verify-email?token=… */
export function VerifyEmail() {
  const { api, claims } = useSession();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [state, setState] = useState<State>(token ? { step: 'verifying' } : { step: 'failed', message: 'The link has no token.' });
  // The token is single use: verify once even when React mounts the page twice.
  const sent = useRef(false);

  useEffect(() => {
    if (!token || sent.current) return;
    sent.current = true;
    api
      .post('/auth/verify-email', { token })
      // A signed-in user gets a token that says the email is verified.
      .then(() => (api.session ? api.refresh() : true))
      .then(() => setState({ step: 'done' }))
      .catch((error: unknown) => setState({ step: 'failed', message: describeError(error) }));
  }, [api, token]);

  return (
    <CenteredCard title="Verify your email">
      <Stack>
        {state.step === 'verifying' && (
          <Text role="status">
            <Loader size="xs" mr="xs" />
            Verifying…
          </Text>
        )}
        {state.step === 'done' && (
          <Alert color="green" role="status" title="Email verified">
            Your email address is verified.
          </Alert>
        )}
        {state.step === 'failed' && (
          <Alert color="red" role="alert" title="Verification failed">
            {state.message} You can ask for a new link from your portal.
          </Alert>
        )}
        <Anchor component={Link} to={claims ? '/' : '/sign-in'}>
          {claims ? 'Continue to the console' : 'Sign in'}
        </Anchor>
      </Stack>
    </CenteredCard>
  );
}
