import { Alert } from '@mantine/core';

/** A failure of the whole form (not one field), announced to screen readers. */
export function FormAlert({ message }: { message: string | undefined }) {
  if (!message) return null;
  return (
    <Alert color="red" role="alert" title="Something went wrong">
      {message}
    </Alert>
  );
}
