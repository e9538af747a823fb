import { Button, Card, Group, Modal, NativeSelect, Stack, Text } from '@mantine/core';
import type { Appointment } from '@pms/contracts/http';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { describeError } from '../api/errors.js';
import { useSession } from '../api/session.js';
import { resourceNames } from '../lib/calendar.js';
import { usePatient, refreshAfterWrite } from '../lib/queries.js';
import { dateTimeIn, timeIn } from '../lib/time.js';
import { FormAlert } from './FormAlert.js';
import { StatusBadge } from './StatusBadge.js';

type Step = 'check-in' | 'complete' | 'no-show' | 'cancel';
const stepLabels: Record<Step, string> = { 'check-in': 'Check in', complete: 'Complete', 'no-show': 'No-show', cancel: 'Cancel' };

/** One appointment in the calendar, with the steps the caller's role may take on it. */
export function AppointmentCard({ appointment, timeZone, freeSlots }: { appointment: Appointment; timeZone: string; freeSlots: { startsAt: string }[] }) {
  const { api, claims } = useSession();
  const queries = useQueryClient();
  const patient = usePatient(appointment.patientId);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [rescheduling, setRescheduling] = useState(false);
  const [newStart, setNewStart] = useState('');
  const staff = claims?.role === 'admin' || claims?.role === 'staff';

  const steps: Step[] =
    appointment.status === 'BOOKED' ? ['check-in', 'no-show', ...(staff ? (['cancel'] as const) : [])] : appointment.status === 'CHECKED_IN' ? ['complete'] : [];

  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
      await refreshAfterWrite(queries, ['appointments'], ['availability'], ['invoices']);
      setRescheduling(false);
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  };
  const name = patient.data?.name ?? 'Patient';

  return (
    <Card withBorder padding="xs" role="article" aria-label={`${timeIn(appointment.startsAt, timeZone)} ${name}`}>
      <Group justify="space-between" gap="xs">
        <Text fw={600} size="sm">
          {timeIn(appointment.startsAt, timeZone)}–{timeIn(appointment.endsAt, timeZone)}
        </Text>
        <StatusBadge status={appointment.status} />
      </Group>
      <Text size="sm">{name}</Text>
      {appointment.resources.length > 0 && <Text size="sm">{resourceNames(appointment)}</Text>}
      {appointment.reason && (
        <Text size="xs" c="dimmed">
          {appointment.reason}
        </Text>
      )}
      <FormAlert message={error} />
      <Group gap={4} mt={4}>
        {steps.map((step) => (
          <Button key={step} size="compact-xs" variant={step === 'cancel' ? 'subtle' : 'light'} color={step === 'cancel' ? 'red' : undefined} disabled={busy}
            onClick={() => void run(() => api.post(`/api/appointments/${appointment.id}/${step}`))}>
            {stepLabels[step]}
          </Button>
        ))}
        {staff && appointment.status === 'BOOKED' && (
          <Button size="compact-xs" variant="subtle" disabled={busy} onClick={() => setRescheduling(true)}>
            Reschedule
          </Button>
        )}
      </Group>
      <Modal opened={rescheduling} onClose={() => setRescheduling(false)} title={`Reschedule ${name}`}>
        <Stack>
          <NativeSelect
            label="New time"
            value={newStart}
            onChange={(e) => setNewStart(e.currentTarget.value)}
            data={[{ value: '', label: 'Choose a free slot…' }, ...freeSlots.map((slot) => ({ value: slot.startsAt, label: dateTimeIn(slot.startsAt, timeZone) }))]}
          />
          <Button disabled={!newStart || busy} onClick={() => void run(() => api.post(`/api/appointments/${appointment.id}/reschedule`, { startsAt: newStart }))}>
            Reschedule
          </Button>
        </Stack>
      </Modal>
    </Card>
  );
}
