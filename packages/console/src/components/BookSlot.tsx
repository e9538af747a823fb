import { Button, Modal, Stack, TextInput } from '@mantine/core';
import { BookAppointmentBody } from '@pms/contracts/http';
import { useState } from 'react';
import { describeError } from '../api/errors.js';
import { fieldErrorsOf } from '../forms/errors.js';
import { FormAlert } from './FormAlert.js';

export interface Slot {
  startsAt: string;
  endsAt: string;
}

/** The second click of a booking: confirm the chosen free slot (with an optional reason). */
export function BookSlot(props: {
  slot: Slot;
  doctorId: string;
  patientId: string;
  label: string;
  onClose: () => void;
  onBooked: () => Promise<void>;
  book: (body: unknown) => Promise<unknown>;
}) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    const parsed = BookAppointmentBody.safeParse({ patientId: props.patientId, doctorId: props.doctorId, startsAt: props.slot.startsAt, reason: reason || undefined });
    if (!parsed.success) return setError(Object.entries(fieldErrorsOf(parsed.error)).map(([field, message]) => (field === 'patientId' ? 'Choose a patient first' : `${field}: ${message}`)).join('; '));
    setBusy(true);
    try {
      await props.book(parsed.data);
      await props.onBooked();
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened onClose={props.onClose} title={`Book ${props.label}`}>
      <Stack>
        <FormAlert message={error} />
        <TextInput label="Reason" value={reason} onChange={(e) => setReason(e.currentTarget.value)} data-autofocus />
        <Button onClick={() => void submit()} loading={busy}>
          Book
        </Button>
      </Stack>
    </Modal>
  );
}
