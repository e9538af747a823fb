import { Alert, Text } from '@mantine/core';
import type { Patient } from '@pms/contracts/http';
import { useLocation } from 'react-router';
import type { JustMerged } from '../lib/duplicates.js';

/**
 * What a record's page says about a merge: opened by a merged record's id (its tombstone), that the
 * page shows the record it was merged into; right after a merge, what moved and what follows.
 */
export function MergeNotice({ patient }: { patient: Patient }) {
  const state = useLocation().state as Partial<JustMerged> | null;
  return (
    <>
      {patient.redirectedFrom && (
        <Alert color="blue" title="Merged record" mb="md" role="status">
          The record you opened ({patient.redirectedFrom}) was merged into this one. It is kept as a tombstone; everything it held is shown here.
        </Alert>
      )}
      {state?.merged && (
        <Alert color="green" title="Records merged" mb="md" role="status">
          <Text size="sm">
            {state.merged.name} was merged into this record; {state.merged.appointmentsMoved} appointment(s) moved. Invoices and notifications follow in a
            moment.
          </Text>
        </Alert>
      )}
    </>
  );
}
