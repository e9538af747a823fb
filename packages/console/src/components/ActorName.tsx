import { Text } from '@mantine/core';
import type { User } from '@pms/contracts/http';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../api/session.js';

/** Audit entries hold the account's id; other actors (a service) are named by what they hold. */
const accountId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Who did it: the account's name and email, looked up once per account (the id stays as a tooltip). */
export function ActorName({ id }: { id: string }) {
  const api = useApi();
  const user = useQuery({
    queryKey: ['user', id],
    queryFn: () => api.get<User>(`/auth/users/${id}`),
    enabled: accountId.test(id),
    staleTime: 5 * 60_000,
    // A deleted account stays unknown: the id is all there is.
    retry: false,
  });
  if (!user.data)
    return (
      <Text size="xs" ff="monospace">
        {id}
      </Text>
    );
  return (
    <Text size="sm" title={id}>
      {user.data.name ? `${user.data.name} (${user.data.email})` : user.data.email}
    </Text>
  );
}
