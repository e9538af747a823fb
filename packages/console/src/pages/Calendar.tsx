import { Alert, Modal, Stack, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { describeError } from '../api/errors.js';
import { isStaff, useSession } from '../api/session.js';
import { AppointmentCard } from '../components/AppointmentCard.js';
import { BookSlot } from '../components/BookSlot.js';
import { CalendarToolbar, type CalendarChoice } from '../components/calendar/CalendarToolbar.js';
import { TimeGrid } from '../components/calendar/TimeGrid.js';
import { PageTitle } from '../components/PageTitle.js';
import { appointmentBlocks, freeBlocks, maintenanceBlocks, roomsOf, withMove, type AppointmentBlock, type Block, type Column, type FreeBlock } from '../lib/calendar.js';
import { chosenLocation, useLocations, useMaintenance, useResources } from '../lib/floor.js';
import { refreshAfterWrite, useAppointments, useAvailabilities, useDoctor, useDoctors } from '../lib/queries.js';
import { addDays, dateTimeIn, dayIn, dayStart, weekStart } from '../lib/time.js';

/**
 * The clinic's day as a time grid: in columns by doctor (free time and visits) or by room at a
 * location (visits and maintenance), or one doctor's week. A free block books; a visit opens its
 * steps, and staff drag it to another time: the server decides, a refusal puts it back and says why.
 */
export default function Calendar() {
  const { api, claims } = useSession();
  const queries = useQueryClient();
  const [params, setParams] = useSearchParams();
  const staff = isStaff(claims);
  const ownDoctorId = claims?.role === 'doctor' ? claims.doctorId : undefined;
  const doctors = useDoctors();
  const locations = useLocations();

  const view = params.get('view') === 'week' ? 'week' : 'day';
  const byRoom = view === 'day' && !ownDoctorId && params.get('by') === 'room';
  const active = (doctors.data?.items ?? []).filter((doctor) => doctor.active);
  // The week is one doctor's: the one chosen, else the first. The day shows every doctor unless one is chosen.
  const doctorId = ownDoctorId ?? (params.get('doctor') || (view === 'week' ? active[0]?.id : undefined));
  const doctor = useDoctor(doctorId);
  const location = chosenLocation(locations.data?.items, params.get('location'));
  // Times in the location's zone when one is chosen (or rooms are shown), else the doctor's own.
  const timeZone = (params.get('location') || byRoom || !doctorId ? location?.timeZone : doctor.data?.timeZone) ?? 'UTC';
  const date = params.get('date') ?? dayIn(Date.now(), timeZone);
  const first = view === 'week' ? weekStart(date) : date;
  const from = dayStart(first, timeZone).toISOString();
  const to = dayStart(addDays(first, view === 'week' ? 7 : 1), timeZone).toISOString();
  const typeId = params.get('type') ?? '';

  const shownDoctors: Column[] = byRoom ? [] : doctorId ? [{ id: doctorId, title: doctor.data?.name ?? '…' }] : active.map((d) => ({ id: d.id, title: d.name }));
  // Live: other staff book and patients cancel while this calendar is open.
  const availability = useAvailabilities(
    shownDoctors.map((column) => column.id),
    from,
    to,
    typeId || undefined,
    true,
  );
  const appointments = useAppointments(
    { doctorId: ownDoctorId || !doctorId || byRoom ? undefined : doctorId, from, to },
    { enabled: byRoom || shownDoctors.length > 0, live: true },
  );
  const rooms = useResources('ROOM', { locationId: location?.id }, byRoom && Boolean(location));
  const roomList = rooms.data?.items ?? [];
  const maintenance = useMaintenance(
    'ROOM',
    byRoom ? roomList.map((room) => room.id) : [],
    from,
    to,
  );

  const [booking, setBooking] = useState<FreeBlock>();
  const [openedId, setOpenedId] = useState<string>();
  const [moved, setMoved] = useState<{ appointmentId: string; start: Date; end: Date }>();
  const [moveError, setMoveError] = useState<string>();

  const items = appointments.data?.items ?? [];
  const roomIds = new Set(roomList.map((room) => room.id));
  const shownIds = new Set(shownDoctors.map((column) => column.id));
  const blocks: Block[] = byRoom
    ? [
        ...appointmentBlocks(items, (a) => roomsOf(a).filter((id) => roomIds.has(id)), staff),
        ...roomList.flatMap((room, index) => maintenanceBlocks(room.id, maintenance[index]?.data?.items ?? [])),
      ]
    : [
        ...appointmentBlocks(items, (a) => (shownIds.has(a.doctorId) ? [a.doctorId] : []), staff),
        ...shownDoctors.flatMap((column, index) => freeBlocks(column, availability[index]?.data?.slots ?? [], items, timeZone, shownDoctors.length > 1)),
      ];
  const columns = byRoom ? roomList.map((room) => ({ id: room.id, title: `${room.name} (${room.kind})` })) : shownDoctors;
  const opened = items.find((appointment) => appointment.id === openedId);
  const failed = [...availability, appointments, rooms].find((result) => result.isError)?.error;

  // From the address bar, not this render's params: two choices in quick succession both stay.
  const choose = (patch: Partial<Record<CalendarChoice, string>>) => {
    const next = new URLSearchParams(window.location.search);
    for (const [name, value] of Object.entries(patch)) if (value !== undefined) next.set(name, value);
    setParams(next);
  };
  const open = (block: Block) => {
    if (block.kind === 'free' && staff) setBooking(block);
    if (block.kind === 'appointment') setOpenedId(block.appointment.id);
  };
  const move = async (block: AppointmentBlock, start: Date, end: Date, columnId: string | undefined) => {
    setMoveError(undefined);
    if (view === 'day' && columnId !== undefined && columnId !== block.columnId) {
      return setMoveError(`A visit keeps its ${byRoom ? 'room' : 'doctor'}: move it up or down its own column.`);
    }
    if (start.getTime() === block.start.getTime()) return;
    setMoved({ appointmentId: block.appointment.id, start, end });
    try {
      await api.post(`/api/appointments/${block.appointment.id}/reschedule`, { startsAt: start.toISOString() });
      await refreshAfterWrite(queries, ['appointments'], ['availability']);
    } catch (failure) {
      setMoveError(describeError(failure));
    } finally {
      setMoved(undefined);
    }
  };

  return (
    <>
      <PageTitle title={ownDoctorId ? 'My calendar' : 'Calendar'} />
      <Stack gap="sm">
        <CalendarToolbar
          view={view}
          date={date}
          timeZone={timeZone}
          byRoom={byRoom}
          ownCalendar={Boolean(ownDoctorId)}
          doctorId={params.get('doctor') ?? ''}
          locationId={location?.id ?? ''}
          typeId={typeId}
          onChoose={choose}
        />
        {!ownDoctorId && doctors.isSuccess && active.length === 0 && <Alert>No doctor yet: create one under Doctors.</Alert>}
        {byRoom && rooms.isSuccess && roomList.length === 0 && <Alert>No rooms at {location?.name} yet: add them under Rooms.</Alert>}
        {failed && <Alert color="red">{describeError(failed)}</Alert>}
        {moveError && (
          <Alert color="red" role="alert" title="The visit was not moved" withCloseButton onClose={() => setMoveError(undefined)}>
            {moveError}
          </Alert>
        )}
        <TimeGrid timeZone={timeZone} view={view} day={date} blocks={withMove(blocks, moved)} columns={columns} onOpen={open} onMove={(...args) => void move(...args)} />
        <Text size="xs" c="dimmed">
          {staff ? 'Click a free block to book it; drag a booked visit to another time to move it.' : 'Click a visit to check the patient in.'}
        </Text>
      </Stack>
      {booking && (
        <BookSlot
          slot={{ startsAt: booking.start.toISOString(), endsAt: booking.end.toISOString() }}
          doctorId={booking.doctorId}
          initial={{ patientId: params.get('patient') ?? '', appointmentTypeId: typeId }}
          label={`${shownDoctors.find((column) => column.id === booking.doctorId)?.title ?? ''}, ${dateTimeIn(booking.start.toISOString(), timeZone)}`}
          onClose={() => setBooking(undefined)}
          onBooked={async () => {
            setBooking(undefined);
            await refreshAfterWrite(queries, ['appointments'], ['availability']);
          }}
          book={(body) => api.post('/api/appointments', body)}
        />
      )}
      <Modal opened={Boolean(opened)} onClose={() => setOpenedId(undefined)} title={opened ? dateTimeIn(opened.startsAt, timeZone) : ''}>
        {opened && (
          <AppointmentCard
            appointment={opened}
            timeZone={timeZone}
            freeSlots={blocks.filter((block) => block.kind === 'free' && block.doctorId === opened.doctorId).map((block) => ({ startsAt: block.start.toISOString() }))}
          />
        )}
      </Modal>
    </>
  );
}
