import { Alert, Button, Group, NativeSelect, Paper, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import type { Appointment } from '@pms/contracts/http';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { describeError } from '../api/errors.js';
import { useSession } from '../api/session.js';
import { AppointmentCard } from '../components/AppointmentCard.js';
import { BookSlot, type Slot } from '../components/BookSlot.js';
import { PageTitle } from '../components/PageTitle.js';
import { PatientPicker } from '../components/PatientPicker.js';
import { useAppointments, useAvailability, useDoctor, useDoctors, refreshAfterWrite } from '../lib/queries.js';
import { addDays, dateTimeIn, dayIn, dayLabel, dayStart, freeSlots, timeIn, weekStart } from '../lib/time.js';

/** Day or week of one doctor: appointments and free slots; a free slot books in two clicks. */
export default function Calendar() {
  const { api, claims } = useSession();
  const queries = useQueryClient();
  const [params, setParams] = useSearchParams();
  const doctors = useDoctors();
  const ownDoctorId = claims?.role === 'doctor' ? claims.doctorId : undefined;
  const doctorId = ownDoctorId ?? params.get('doctor') ?? doctors.data?.items[0]?.id;
  const doctor = useDoctor(doctorId);
  const timeZone = doctor.data?.timeZone ?? 'UTC';
  const view = params.get('view') === 'week' ? 'week' : 'day';
  const date = params.get('date') ?? dayIn(Date.now(), timeZone);
  const first = view === 'week' ? weekStart(date) : date;
  const days = Array.from({ length: view === 'week' ? 7 : 1 }, (_, i) => addDays(first, i));
  const from = dayStart(first, timeZone).toISOString();
  const to = dayStart(addDays(first, days.length), timeZone).toISOString();
  // Live: other staff book and patients cancel while this calendar is open.
  const availability = useAvailability(doctorId, from, to, true);
  const appointments = useAppointments({ doctorId: ownDoctorId ? undefined : doctorId, from, to }, { enabled: Boolean(doctorId), live: true });
  const [patientId, setPatientId] = useState(params.get('patient') ?? '');
  const [booking, setBooking] = useState<Slot>();

  const navigate = (patch: Record<string, string>) => setParams((current) => ({ ...Object.fromEntries(current), ...patch }));
  const slots = freeSlots(availability.data?.slots ?? [], appointments.data?.items ?? []);
  const staff = claims?.role === 'admin' || claims?.role === 'staff';

  return (
    <>
      <PageTitle title={ownDoctorId ? 'My calendar' : 'Calendar'} />
      <Stack gap="sm" mb="md">
        <Group align="flex-end">
          {!ownDoctorId && (
            <NativeSelect
              label="Doctor"
              value={doctorId ?? ''}
              onChange={(e) => navigate({ doctor: e.currentTarget.value })}
              data={(doctors.data?.items ?? []).map((d) => ({ value: d.id, label: d.name }))}
            />
          )}
          <TextInput label="Date" type="date" value={date} onChange={(e) => e.currentTarget.value && navigate({ date: e.currentTarget.value })} />
          <Button.Group>
            <Button variant={view === 'day' ? 'filled' : 'default'} aria-pressed={view === 'day'} onClick={() => navigate({ view: 'day' })}>
              Day
            </Button>
            <Button variant={view === 'week' ? 'filled' : 'default'} aria-pressed={view === 'week'} onClick={() => navigate({ view: 'week' })}>
              Week
            </Button>
          </Button.Group>
          <Button.Group>
            <Button variant="default" onClick={() => navigate({ date: addDays(date, view === 'week' ? -7 : -1) })}>
              Previous
            </Button>
            <Button variant="default" onClick={() => navigate({ date: dayIn(Date.now(), timeZone) })}>
              Today
            </Button>
            <Button variant="default" onClick={() => navigate({ date: addDays(date, view === 'week' ? 7 : 1) })}>
              Next
            </Button>
          </Button.Group>
        </Group>
        {staff && <PatientPicker value={patientId} onChange={setPatientId} />}
      </Stack>
      {!doctorId && <Alert>No doctor yet: create one under Doctors.</Alert>}
      {availability.isError && <Alert color="red">{describeError(availability.error)}</Alert>}
      <SimpleGrid cols={{ base: 1, md: days.length }} spacing="xs">
        {days.map((day) => {
          const inDay = (instant: string) => dayIn(instant, timeZone) === day;
          const items = [
            ...(appointments.data?.items ?? []).filter((a) => inDay(a.startsAt)).map((appointment) => ({ at: appointment.startsAt, appointment })),
            ...slots.filter((slot) => inDay(slot.startsAt)).map((slot) => ({ at: slot.startsAt, slot })),
          ].sort((a, b) => a.at.localeCompare(b.at));
          return (
            <Paper key={day} withBorder p="xs" component="section" aria-label={dayLabel(day)}>
              <Title order={3} size="h5" mb="xs">
                {dayLabel(day)}
              </Title>
              <Stack gap={6}>
                {items.length === 0 && (
                  <Text size="sm" c="dimmed">
                    Nothing scheduled
                  </Text>
                )}
                {items.map((item) =>
                  'appointment' in item ? (
                    <AppointmentCard key={item.appointment.id} appointment={item.appointment as Appointment} timeZone={timeZone} freeSlots={slots} />
                  ) : (
                    <Button
                      key={item.slot.startsAt}
                      variant="outline"
                      size="compact-sm"
                      disabled={!staff}
                      aria-label={`Free slot ${dayLabel(day)} ${timeIn(item.slot.startsAt, timeZone)}`}
                      onClick={() => setBooking(item.slot)}
                    >
                      {timeIn(item.slot.startsAt, timeZone)} free
                    </Button>
                  ),
                )}
              </Stack>
            </Paper>
          );
        })}
      </SimpleGrid>
      {booking && doctorId && (
        <BookSlot
          slot={booking}
          doctorId={doctorId}
          patientId={patientId}
          label={`${doctor.data?.name ?? ''}, ${dateTimeIn(booking.startsAt, timeZone)}`}
          onClose={() => setBooking(undefined)}
          onBooked={async () => {
            setBooking(undefined);
            await refreshAfterWrite(queries, ['appointments'], ['availability']);
          }}
          book={(body) => api.post('/api/appointments', body)}
        />
      )}
    </>
  );
}
