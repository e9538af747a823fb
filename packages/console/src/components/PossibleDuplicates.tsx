import { Alert, Title } from '@mantine/core';
import type { PossibleDuplicate } from '@pms/contracts/http';
import { describeError } from '../api/errors.js';
import { usePossibleDuplicates } from '../lib/duplicates.js';
import { DataTable, type Column } from './DataTable.js';
import { comparisonColumns, PairActions, RecordSummary } from './DuplicateActions.js';

type Row = PossibleDuplicate & { id: string };

/** One record's likely duplicates, best first, each with its reasons and what to do about it (staff). */
export function PossibleDuplicates({ patientId }: { patientId: string }) {
  const duplicates = usePossibleDuplicates(patientId);
  const columns: Column<Row>[] = [
    { header: 'Record', cell: (row) => <RecordSummary patient={row.patient} /> },
    ...comparisonColumns<Row>(),
    { header: 'Actions', cell: (row) => <PairActions first={patientId} second={row.patient.id} /> },
  ];
  const rows = (duplicates.data?.items ?? []).map((duplicate) => ({ ...duplicate, id: duplicate.patient.id }));
  return (
    <section aria-labelledby="duplicates-heading">
      <Title order={3} id="duplicates-heading" mb="xs">
        Possible duplicates
      </Title>
      {duplicates.isError ? (
        <Alert color="red" role="alert">
          {describeError(duplicates.error)}
        </Alert>
      ) : (
        <DataTable label="Possible duplicates" columns={columns} rows={rows} empty={duplicates.isPending ? 'Looking for duplicates…' : 'No likely duplicates.'} />
      )}
    </section>
  );
}
