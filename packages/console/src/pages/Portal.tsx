import { Alert, Button, Card, Group, NativeSelect, Stack, Text, TextInput, Title } from '@mantine/core';
import type { Appointment, Patient, WaitlistEntry } from '@pms/contracts/http';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { describeError } from '../api/errors.js';
import { useSession } from '../api/session.js';
import { AcceptOffer } from '../components/AcceptOffer.js';
import { AppointmentTable } from '../components/AppointmentTable.js';
import { BookSlot, type Slot } from '../components/BookSlot.js';
import { ExportRecord } from '../components/ExportRecord.js';
import { InvoiceTable } from '../components/InvoiceTable.js';
import { PageTitle } from '../components/PageTitle.js';
import { PatientForm } from '../components/PatientForm.js';
import { useAppointments, useAvailability, useDoctors, useInvoices, usePage, type Page, refreshAfterWrite } from '../lib/queries.js';
import { addDays, dateTimeIn, dayIn, dayStart, freeSlots, timeIn } from '../lib/time.js';
import { specialtyLabel } from '../lib/labels.js';

function VerifyBanner() {
  const { api } = useSession();
  const [state, setState] = useState<'idle' | 'sending' | 'sent' | string>('idle');
  const resend = () => {
    setState('sending');
    api.post('/auth/verification-email').then(
      () => setState('sent'),
      (error: unknown) => setState(describeError(error)),
    );
  };
  return (
    <Alert color="yellow" title="Verify your email" role="status">
      <Stack gap="xs">
        <Text size="sm">We sent you a link. Open it to confirm your address; then you can book appointments.</Text>
        <Group>
          <Button size="xs" variant="default" onClick={resend} loading={state === 'sending'}>
            Resend verification email
          </Button>
          {state === 'sent' && <Text size="sm">Sent. Check your inbox.</Text>}
          {!['idle', 'sending', 'sent'].includes(state) && (
            <Text size="sm" c="red">
              {state}
            </Text>
          )}
        </Group>
      </Stack>
    </Alert>
  );
}

function BookFromFreeSlots({ patient, booked }: { patient: Patient; booked: Appointment[] }) {
  const { api } = useSession();
  const queries = useQueryClient();
  const doctors = useDoctors();
  const active = (doctors.data?.items ?? []).filter((doctor) => doctor.active);
  const [doctorId, setDoctorId] = useState('');
  const doctor = active.find((d) => d.id === doctorId) ?? active[0];
  const timeZone = doctor?.timeZone ?? 'UTC';
  const [day, setDay] = useState(addDays(dayIn(Date.now(), timeZone), 1));
  const availability = useAvailability(doctor?.id, dayStart(day, timeZone).toISOString(), dayStart(addDays(day, 1), timeZone).toISOString());
  const [booking, setBooking] = useState<Slot>();
  const slots = freeSlots(availability.data?.slots ?? [], booked).filter((slot) => Date.parse(slot.startsAt) > Date.now());
  return (
    <section aria-labelledby="book-heading">
      <Title order={3} id="book-heading" mb="xs">
        Book an appointment
      </Title>
      <Group align="flex-end" mb="sm">
        <NativeSelect
          label="Doctor"
          value={doctor?.id ?? ''}
          onChange={(e) => setDoctorId(e.currentTarget.value)}
          data={active.map((d) => ({ value: d.id, label: `${d.name} · ${specialtyLabel(d.specialty)}` }))}
        />
        <TextInput label="Day" type="date" value={day} onChange={(e) => e.currentTarget.value && setDay(e.currentTarget.value)} />
      </Group>
      <Group gap="xs" role="group" aria-label="Free slots">
        {slots.length === 0 && <Text c="dimmed">No free slots on this day.</Text>}
        {slots.map((slot) => (
          <Button key={slot.startsAt} variant="outline" size="compact-sm" onClick={() => setBooking(slot)} aria-label={`Free slot ${timeIn(slot.startsAt, timeZone)}`}>
            {timeIn(slot.startsAt, timeZone)}
          </Button>
        ))}
      </Group>
      {booking && doctor && (
        <BookSlot
          slot={booking}
          doctorId={doctor.id}
          patientId={patient.id}
          label={`${doctor.name}, ${day} ${timeIn(booking.startsAt, timeZone)}`}
          onClose={() => setBooking(undefined)}
          onBooked={async () => {
            setBooking(undefined);
            await refreshAfterWrite(queries, ['appointments'], ['availability']);
          }}
          book={(body) => api.post('/api/appointments', body)}
        />
      )}
    </section>
  );
}

/** Slots the waitlist offers the patient: each taken with one click while the offer lasts. */
function MyOffers({ patient }: { patient: Patient }) {
  const offers = usePage<WaitlistEntry>('waitlist', '/api/waitlist', { patientId: patient.id, status: 'OFFERED' });
  const doctors = useDoctors();
  const items = offers.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <Alert color="violet" title="A slot is free for you" role="status">
      <Stack gap="xs">
        {items.map((entry) => {
          const doctor = doctors.data?.items.find((d) => d.id === entry.doctorId);
          return (
            <Group key={entry.id} gap="sm">
              <Text size="sm">
                {doctor?.name ?? 'Your doctor'}, {dateTimeIn(entry.offeredStartsAt ?? entry.from, doctor?.timeZone)}
                {entry.offerExpiresAt ? ` (offer open until ${dateTimeIn(entry.offerExpiresAt, doctor?.timeZone)})` : ''}
              </Text>
              <AcceptOffer entry={entry} />
            </Group>
          );
        })}
      </Stack>
    </Alert>
  );
}

function MyRecord({ patient }: { patient: Patient }) {
  const { api } = useSession();
  const queries = useQueryClient();
  const appointments = useAppointments({ patientId: patient.id });
  const invoices = useInvoices({ patientId: patient.id, pageSize: 100 });
  const [error, setError] = useState<string>();
  const cancel = async (id: string) => {
    setError(undefined);
    try {
      await api.post(`/api/appointments/${id}/cancel`, {});
      await refreshAfterWrite(queries, ['appointments'], ['availability'], ['invoices']);
    } catch (failure) {
      setError(describeError(failure));
    }
  };
  return (
    <Stack gap="xl">
      <Card withBorder>
        <Group justify="space-between" align="flex-start">
          <div>
            <Text fw={600}>{patient.name}</Text>
            <Text size="sm">
              {patient.email} · born {patient.dateOfBirth}
              {patient.phone ? ` · ${patient.phone}` : ''}
            </Text>
          </div>
          {/* A patient's right of access: everything the clinic holds about them, as FHIR R4. */}
          <ExportRecord patientId={patient.id} label="Download my data" fileName="my-health-record.json" />
        </Group>
      </Card>
      <MyOffers patient={patient} />
      <BookFromFreeSlots patient={patient} booked={appointments.data?.items ?? []} />
      <section aria-labelledby="mine-heading">
        <Title order={3} id="mine-heading" mb="xs">
          My appointments
        </Title>
        {error && (
          <Alert color="red" role="alert" mb="xs">
            {error}
          </Alert>
        )}
        <AppointmentTable
          items={appointments.data?.items ?? []}
          actions={(appointment) =>
            appointment.status === 'BOOKED' && (
              <Button size="compact-xs" variant="subtle" color="red" onClick={() => void cancel(appointment.id)}>
                Cancel
              </Button>
            )
          }
        />
      </section>
      <section aria-labelledby="my-invoices-heading">
        <Title order={3} id="my-invoices-heading" mb="xs">
          My invoices
        </Title>
        <InvoiceTable items={invoices.data?.items ?? []} />
      </section>
    </Stack>
  );
}

/** The patient's own page: verify, create or claim their record, book, cancel, invoices. */
export default function Portal() {
  const { api, claims } = useSession();
  const queries = useQueryClient();
  const record = useQuery({ queryKey: ['my-record', claims?.sub], queryFn: () => api.get<Page<Patient>>('/api/patients?pageSize=1') });
  const patient = record.data?.items[0];
  return (
    <>
      <PageTitle title="My appointments" />
      <Stack gap="lg">
        {claims?.email_verified === false && <VerifyBanner />}
        {record.isError && <Alert color="red">{describeError(record.error)}</Alert>}
        {record.isSuccess && !patient && (
          <section aria-labelledby="details-heading">
            <Title order={3} id="details-heading" mb="xs">
              Your details
            </Title>
            <Text size="sm" mb="sm">
              Tell us about yourself once. If the clinic already has a record under your email, it becomes yours.
            </Text>
            <PatientForm
              initial={{ email: claims?.email ?? '' }}
              submitLabel="Save my details"
              onSubmit={async (input) => {
                await api.post('/api/patients', input);
                await refreshAfterWrite(queries, ['my-record']);
              }}
            />
          </section>
        )}
        {patient && <MyRecord patient={patient} />}
      </Stack>
    </>
  );
}
