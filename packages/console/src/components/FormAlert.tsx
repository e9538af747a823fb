import { Alert, Button, Group, Text } from '@mantine/core';

/** A failure of the whole form (not one field), announced to screen readers. */
export function FormAlert({ message }: { message: string | undefined }) {
  if (!message) return null;
  return (
    <Alert color="red" role="alert" title="Something went wrong">
      {message}
    </Alert>
  );
}

/** The one submit button of a form, at its end; it spins while the form is being sent. */
export function SubmitRow({ label, submitting }: { label: string; submitting: boolean }) {
  return (
    <Group justify="flex-end">
      <Button type="submit" loading={submitting}>
        {label}
      </Button>
    </Group>
  );
}

/** Why a button's request failed, next to the button, announced to screen readers. */
export function ActionError({ message }: { message: string | undefined }) {
  if (!message) return null;
  return (
    <Text size="sm" c="red" role="alert">
      {message}
    </Text>
  );
}
