import { Button, Text } from '@mantine/core';
import type { WaitlistEntry } from '@pms/contracts/http';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { describeError } from '../api/errors.js';
import { useApi } from '../api/session.js';
import { refreshAfterWrite } from '../lib/queries.js';

/**
 * Takes the slot a waitlist entry was offered: an ordinary booking of that doctor at the offered
 * time (the type's length, or the offer's), which the server allows staff and the patient
 * themselves. The entry turns BOOKED once appointment hears of the booking, a moment later.
 */
export function AcceptOffer({ entry }: { entry: WaitlistEntry }) {
  const api = useApi();
  const queries = useQueryClient();
  const [state, setState] = useState<'idle' | 'busy' | 'booked'>('idle');
  const [error, setError] = useState<string>();
  if (entry.status !== 'OFFERED' || !entry.offeredStartsAt || !entry.offeredEndsAt) return null;
  const minutes = Math.round((Date.parse(entry.offeredEndsAt) - Date.parse(entry.offeredStartsAt)) / 60_000);
  const accept = async () => {
    setState('busy');
    setError(undefined);
    try {
      await api.post('/api/appointments', {
        patientId: entry.patientId,
        doctorId: entry.doctorId,
        startsAt: entry.offeredStartsAt,
        ...(entry.appointmentTypeId ? { appointmentTypeId: entry.appointmentTypeId } : { durationMinutes: minutes }),
      });
      setState('booked');
      await refreshAfterWrite(queries, ['waitlist'], ['appointments'], ['availability']);
    } catch (failure) {
      setState('idle');
      setError(describeError(failure));
    }
  };
  if (state === 'booked') return <Text size="xs">Booked.</Text>;
  return (
    <>
      <Button size="compact-xs" variant="light" loading={state === 'busy'} onClick={() => void accept()}>
        Accept offer
      </Button>
      {error && (
        <Text size="xs" c="red" role="alert">
          {error}
        </Text>
      )}
    </>
  );
}
