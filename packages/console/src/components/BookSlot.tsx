import { Button, Modal, Stack, TextInput } from '@mantine/core';
import { BookAppointmentBody } from '@pms/contracts/http';
import { useState } from 'react';
import { describeError } from '../api/errors.js';
import { fieldErrorsOf } from '../forms/errors.js';
import { FormAlert } from './FormAlert.js';
import { PatientPicker } from './PatientPicker.js';
import { TypeSelect } from './SchedulingPickers.js';

export interface Slot {
  startsAt: string;
  endsAt: string;
}

/**
 * The second click of a booking: confirm the chosen free slot (with an optional reason). A patient
 * books for themselves (`patientId`); staff choose the patient and the type here (`initial`: what
 * the screen had chosen already).
 */
export function BookSlot(props: {
  slot: Slot;
  doctorId: string;
  patientId?: string;
  initial?: { patientId: string; appointmentTypeId: string };
  label: string;
  onClose: () => void;
  onBooked: () => Promise<void>;
  book: (body: unknown) => Promise<unknown>;
}) {
  const chooses = props.patientId === undefined;
  const [patientId, setPatientId] = useState(props.patientId ?? props.initial?.patientId ?? '');
  const [typeId, setTypeId] = useState(props.initial?.appointmentTypeId ?? '');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    const parsed = BookAppointmentBody.safeParse({
      patientId,
      doctorId: props.doctorId,
      startsAt: props.slot.startsAt,
      appointmentTypeId: typeId || undefined,
      reason: reason || undefined,
    });
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
    <Modal opened onClose={props.onClose} title={`Book ${props.label}`} size={chooses ? 'lg' : 'md'}>
      <Stack>
        <FormAlert message={error} />
        {chooses && <PatientPicker value={patientId} onChange={setPatientId} />}
        {chooses && <TypeSelect value={typeId} onChange={(e) => setTypeId(e.currentTarget.value)} />}
        <TextInput label="Reason" value={reason} onChange={(e) => setReason(e.currentTarget.value)} data-autofocus />
        <Button onClick={() => void submit()} loading={busy}>
          Book
        </Button>
      </Stack>
    </Modal>
  );
}
