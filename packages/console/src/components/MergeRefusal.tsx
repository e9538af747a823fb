import { Alert, List, Text } from '@mantine/core';
import { ApiError, describeError, type FieldError } from '../api/errors.js';

const titles: Record<string, string> = {
  APPOINTMENTS_OVERLAP: 'The two records have appointments at the same time',
  MERGE_IN_PROGRESS: 'A merge of one of these records is under way',
  PATIENT_ALREADY_MERGED: 'One of these records was merged already',
  BOTH_LINKED: 'Both records belong to a sign-in',
};

const uuidPattern = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

/**
 * appointment names each clash by the duplicate's appointment (`appointments.<id>`) and, in the
 * message, the survivor's; both are said as a person reads them when the screen knows them.
 */
function clashText(detail: FieldError, describe: (appointmentId: string) => string | undefined): string {
  const theirs = describe(detail.field.replace(/^appointments\./, ''));
  const ours = describe(uuidPattern.exec(detail.message)?.[0] ?? '');
  return theirs && ours ? `${theirs} overlaps ${ours}` : detail.message;
}

/** Why the server refused the merge, said plainly; an overlap lists the clashing appointments. */
export function MergeRefusal({ failure, describe }: { failure: unknown; describe: (appointmentId: string) => string | undefined }) {
  if (failure === undefined) return null;
  const code = failure instanceof ApiError ? failure.code : undefined;
  const clashes = failure instanceof ApiError && code === 'APPOINTMENTS_OVERLAP' ? failure.details : [];
  return (
    <Alert color="red" role="alert" title={titles[code ?? ''] ?? 'The merge did not happen'} mb="md">
      <Text size="sm">{describeError(failure)}</Text>
      {clashes.length > 0 && (
        <List size="sm" mt="xs" aria-label="Overlapping appointments">
          {clashes.map((clash) => (
            <List.Item key={clash.field}>{clashText(clash, describe)}</List.Item>
          ))}
        </List>
      )}
      <Text size="sm" mt="xs">
        Nothing was merged.
      </Text>
    </Alert>
  );
}
