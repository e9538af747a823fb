import { Button, Group, Text } from '@mantine/core';
import { useState } from 'react';
import { describeError } from '../api/errors.js';
import { useSession } from '../api/session.js';
import { fetchPatientRecord, saveJsonFile } from '../lib/export.js';

/** A button that downloads a patient's record as a FHIR Bundle (JSON file), saying when it fails. */
export function ExportRecord({ patientId, label, fileName }: { patientId: string; label: string; fileName: string }) {
  const { api } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const download = async () => {
    setBusy(true);
    setError(undefined);
    try {
      saveJsonFile(fileName, await fetchPatientRecord(api, patientId));
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Group gap="xs">
      <Button variant="default" onClick={() => void download()} loading={busy}>
        {label}
      </Button>
      {error && (
        <Text size="sm" c="red" role="alert">
          {error}
        </Text>
      )}
    </Group>
  );
}
