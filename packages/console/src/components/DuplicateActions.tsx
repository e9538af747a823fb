import { Badge, Button, Group, Stack, Text } from '@mantine/core';
import { NotDuplicateBody, type Patient, type PossibleDuplicate } from '@pms/contracts/http';
import { useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useSession } from '../api/session.js';
import { mergePath, percent, reasonLabel, refreshDuplicates } from '../lib/duplicates.js';
import { useAction } from '../lib/useAction.js';
import { RowLink, type Column } from './DataTable.js';
import { ActionError } from './FormAlert.js';

type Comparison = Pick<PossibleDuplicate, 'score' | 'nameSimilarity' | 'reasons'>;

/** A record of a suggested pair: its name (to its page), and what tells the two apart at a glance. */
export function RecordSummary({ patient }: { patient: Patient }) {
  return (
    <Stack gap={0}>
      <RowLink to={`/patients/${patient.id}`}>{patient.name}</RowLink>
      <Text size="xs" c="dimmed">
        {patient.email} · born {patient.dateOfBirth}
      </Text>
    </Stack>
  );
}

/** Why two records look like one person, and how strongly: the columns both duplicate lists share. */
export function comparisonColumns<T extends Comparison>(): Column<T>[] {
  return [
    {
      header: 'Why',
      cell: (row) => (
        <Group gap={4}>
          {row.reasons.map((reason) => (
            <Badge key={reason} variant="light" color="grape" miw="max-content">
              {reasonLabel(reason, row.nameSimilarity)}
            </Badge>
          ))}
        </Group>
      ),
    },
    { header: 'Match', cell: (row) => percent(row.score) },
  ];
}

/**
 * What staff do with a suggested pair: open the side-by-side merge screen (`first` proposed as the
 * record to keep), or say the two are different people, after which the pair is never suggested again.
 */
export function PairActions({ first, second }: { first: string; second: string }) {
  const { api } = useSession();
  const queries = useQueryClient();
  const mark = useAction();
  const markNotDuplicate = () =>
    mark.run(async () => {
      await api.post(`/api/patients/${first}/not-duplicates`, NotDuplicateBody.parse({ otherId: second }));
      await refreshDuplicates(queries);
    });
  return (
    <Group gap="xs" wrap="nowrap">
      <Button component={Link} to={mergePath(first, second)} size="compact-sm" variant="light">
        Compare and merge
      </Button>
      <Button size="compact-sm" variant="default" loading={mark.busy} onClick={() => void markNotDuplicate()}>
        Not a duplicate
      </Button>
      <ActionError message={mark.message} />
    </Group>
  );
}
