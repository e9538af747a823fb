import { NativeSelect } from '@mantine/core';
import { useDoctors } from '../lib/queries.js';
import { useAppointmentTypes } from '../lib/scheduling.js';
import { specialtyLabel } from '../lib/labels.js';

interface Picker {
  value: string;
  onChange: (event: { currentTarget: { value: string } }) => void;
  error?: string;
}

/** The doctor a booking or waitlist entry is for, by name and specialty; `filter`: any doctor may stay chosen. */
export function DoctorSelect({ filter = false, ...props }: Picker & { filter?: boolean }) {
  const doctors = useDoctors();
  const options = (doctors.data?.items ?? []).filter((doctor) => doctor.active);
  return (
    <NativeSelect
      label="Doctor"
      required={!filter}
      {...props}
      data={[{ value: '', label: filter ? 'Any' : 'Choose a doctor…' }, ...options.map((d) => ({ value: d.id, label: `${d.name} · ${specialtyLabel(d.specialty)}` }))]}
    />
  );
}

/** An optional appointment type (active ones); none books the doctor's slot length. */
export function TypeSelect(props: Picker) {
  const types = useAppointmentTypes();
  const options = (types.data?.items ?? []).filter((type) => type.active);
  return (
    <NativeSelect
      label="Appointment type"
      {...props}
      data={[{ value: '', label: 'None (one slot)' }, ...options.map((t) => ({ value: t.id, label: `${t.name} (${t.durationMinutes} min)` }))]}
    />
  );
}
