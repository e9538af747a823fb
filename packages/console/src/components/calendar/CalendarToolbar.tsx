import { Button, Group, NativeSelect, Text, TextInput } from '@mantine/core';
import { useLocations } from '../../lib/floor.js';
import { useDoctors } from '../../lib/queries.js';
import { useAppointmentTypes } from '../../lib/scheduling.js';
import { addDays, dayIn } from '../../lib/time.js';

/** What the calendar's URL holds (?view=day&by=room&location=…&doctor=…&type=…&date=…&patient=…). */
export type CalendarChoice = 'view' | 'by' | 'location' | 'doctor' | 'type' | 'date';

/** Which day or week, which columns, which location and doctor, and free time for which type. */
export function CalendarToolbar(props: {
  view: 'day' | 'week';
  date: string;
  timeZone: string;
  byRoom: boolean;
  /** A doctor's own calendar: no choice of doctor or rooms. */
  ownCalendar: boolean;
  doctorId: string;
  locationId: string;
  typeId: string;
  onChoose: (patch: Partial<Record<CalendarChoice, string>>) => void;
}) {
  const { view, date, onChoose } = props;
  const doctors = useDoctors();
  const locations = useLocations();
  const types = useAppointmentTypes();
  const step = view === 'week' ? 7 : 1;
  const pressed = (on: boolean) => ({ variant: on ? ('filled' as const) : ('default' as const), 'aria-pressed': on });
  return (
    <Group align="flex-end" gap="sm">
      {!props.ownCalendar && view === 'day' && (
        <Button.Group>
          <Button {...pressed(!props.byRoom)} onClick={() => onChoose({ by: 'doctor' })}>
            By doctor
          </Button>
          <Button {...pressed(props.byRoom)} onClick={() => onChoose({ by: 'room' })}>
            By room
          </Button>
        </Button.Group>
      )}
      {!props.ownCalendar && (
        <NativeSelect
          label="Location"
          value={props.locationId}
          onChange={(e) => onChoose({ location: e.currentTarget.value })}
          data={(locations.data?.items ?? []).map((location) => ({ value: location.id, label: location.name }))}
        />
      )}
      {!props.ownCalendar && !props.byRoom && (
        <NativeSelect
          label="Doctor"
          value={props.doctorId}
          onChange={(e) => onChoose({ doctor: e.currentTarget.value })}
          data={[
            { value: '', label: view === 'week' ? 'First doctor' : 'All doctors' },
            ...(doctors.data?.items ?? []).filter((doctor) => doctor.active).map((doctor) => ({ value: doctor.id, label: doctor.name })),
          ]}
        />
      )}
      {!props.byRoom && (
        <NativeSelect
          label="Free time for"
          value={props.typeId}
          onChange={(e) => onChoose({ type: e.currentTarget.value })}
          data={[{ value: '', label: 'One slot' }, ...(types.data?.items ?? []).filter((type) => type.active).map((type) => ({ value: type.id, label: type.name }))]}
        />
      )}
      <TextInput label="Date" type="date" value={date} onChange={(e) => e.currentTarget.value && onChoose({ date: e.currentTarget.value })} />
      <Button.Group>
        <Button {...pressed(view === 'day')} onClick={() => onChoose({ view: 'day' })}>
          Day
        </Button>
        <Button {...pressed(view === 'week')} onClick={() => onChoose({ view: 'week' })}>
          Week
        </Button>
      </Button.Group>
      <Button.Group>
        <Button variant="default" onClick={() => onChoose({ date: addDays(date, -step) })}>
          Previous
        </Button>
        <Button variant="default" onClick={() => onChoose({ date: dayIn(Date.now(), props.timeZone) })}>
          Today
        </Button>
        <Button variant="default" onClick={() => onChoose({ date: addDays(date, step) })}>
          Next
        </Button>
      </Button.Group>
      <Text size="sm" c="dimmed" pb={6}>
        Times in {props.timeZone}
      </Text>
    </Group>
  );
}
