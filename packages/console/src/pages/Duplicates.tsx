import { Text } from '@mantine/core';
import type { DuplicatePair } from '@pms/contracts/http';
import { useState } from 'react';
import { DataTable, type Column } from '../components/DataTable.js';
import { comparisonColumns, PairActions, RecordSummary } from '../components/DuplicateActions.js';
import { PageTitle } from '../components/PageTitle.js';
import { usePage } from '../lib/queries.js';

const PAGE_SIZE = 20;

type Row = DuplicatePair & { id: string };

const columns: Column<Row>[] = [
  { header: 'Record', cell: (pair) => <RecordSummary patient={pair.first} /> },
  { header: 'Possible duplicate', cell: (pair) => <RecordSummary patient={pair.second} /> },
  ...comparisonColumns<Row>(),
  { header: 'Actions', cell: (pair) => <PairActions first={pair.first.id} second={pair.second.id} /> },
];

/**
 * The clinic's likely duplicate pairs, best first (staff, admin). Pairs of the same email, phone,
 * or birth date with a similar name; a near-identical name alone shows only on the record's page.
 */
export default function Duplicates() {
  const [page, setPage] = useState(1);
  const pairs = usePage<DuplicatePair>('duplicate-pairs', '/api/patients/duplicates', { page, pageSize: PAGE_SIZE }, { keepPrevious: true });
  const data = pairs.data && { ...pairs.data, items: pairs.data.items.map((pair) => ({ ...pair, id: `${pair.first.id}/${pair.second.id}` })) };
  return (
    <>
      <PageTitle title="Possible duplicates" />
      <Text c="dimmed" size="sm" mb="md">
        Records that may be one person registered twice. Compare a pair side by side and merge it, or mark it as two people.
      </Text>
      <DataTable label="Possible duplicates" columns={columns} empty="No likely duplicates." paged={{ data, page, pageSize: PAGE_SIZE, onPage: setPage, noun: ['pair', 'pairs'] }} />
    </>
  );
}
