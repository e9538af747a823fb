import { Stack, Textarea, TextInput } from '@mantine/core';
import { PatientInput, type Patient } from '@pms/contracts/http';
import { orNull, useZodForm } from '../forms/useZodForm.js';
import { FormAlert, SubmitRow } from './FormAlert.js';

const emptyPatient = { name: '', email: '', dateOfBirth: '', phone: '', address: '' };

/** Create or edit a patient record: the same schema the patient service validates with. */
export function PatientForm({
  initial,
  submitLabel,
  onSubmit,
}: {
  initial?: Partial<Patient>;
  submitLabel: string;
  onSubmit: (input: PatientInput) => Promise<unknown>;
}) {
  const form = useZodForm({
    schema: PatientInput,
    initial: {
      ...emptyPatient,
      ...Object.fromEntries(Object.entries(initial ?? {}).map(([key, value]) => [key, value == null ? '' : String(value)])),
    } as typeof emptyPatient,
    toInput: (values) => ({
      name: values.name,
      email: values.email,
      dateOfBirth: values.dateOfBirth,
      phone: orNull(values.phone),
      address: orNull(values.address),
    }),
    submit: onSubmit,
  });
  return (
    <form onSubmit={form.onSubmit} noValidate aria-label="Patient">
      <Stack gap="sm">
        <FormAlert message={form.formError} />
        <TextInput label="Name" autoComplete="name" required {...form.field('name')} />
        <TextInput label="Email" type="email" autoComplete="email" required {...form.field('email')} />
        <TextInput label="Date of birth" type="date" required {...form.field('dateOfBirth')} />
        <TextInput label="Phone" type="tel" autoComplete="tel" {...form.field('phone')} />
        <Textarea label="Address" autoComplete="street-address" autosize minRows={2} {...form.field('address')} />
        <SubmitRow label={submitLabel} submitting={form.submitting} />
      </Stack>
    </form>
  );
}
