import { Button, Group } from '@mantine/core';
import { useSession } from '../api/session.js';
import { fetchPatientRecord, saveJsonFile } from '../lib/export.js';
import { useAction } from '../lib/useAction.js';
import { ActionError } from './FormAlert.js';

/** A button that downloads a patient's record as a FHIR Bundle (JSON file), saying when it fails. */
export function ExportRecord({ patientId, label, fileName }: { patientId: string; label: string; fileName: string }) {
  const { api } = useSession();
  const download = useAction();
  return (
    <Group gap="xs">
      <Button variant="default" onClick={() => void download.run(async () => saveJsonFile(fileName, await fetchPatientRecord(api, patientId)))} loading={download.busy}>
        {label}
      </Button>
      <ActionError message={download.message} />
    </Group>
  );
}
