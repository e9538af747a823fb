import { Group, Text, VisuallyHidden } from '@mantine/core';
import type { ReactNode } from 'react';
import type { EventProps, EventWrapperProps } from 'react-big-calendar';
import { appointmentLabel, resourceNames, type AppointmentBlock, type Block } from '../../lib/calendar.js';
import { usePatient } from '../../lib/queries.js';
import { dayIn, dayLabel, timeIn } from '../../lib/time.js';
import { StatusBadge } from '../StatusBadge.js';
import { useGridZone } from './zone.js';

// How the grid draws a block. The calendar wraps each in a focusable element of role button whose
// name is its text: free blocks read "Free slot <day> 09:00", appointments sit in an article
// named "09:00 <patient>" with their times, status, and the rooms and devices they hold.

const hhmm = (at: Date, timeZone: string) => timeIn(at.toISOString(), timeZone);

function AppointmentContent({ block }: { block: AppointmentBlock }) {
  const timeZone = useGridZone();
  const patient = usePatient(block.appointment.patientId);
  const resources = resourceNames(block.appointment);
  return (
    <>
      <Group gap={4} wrap="nowrap" justify="space-between">
        <Text span size="xs" fw={600} truncate>
          {hhmm(block.start, timeZone)}–{hhmm(block.end, timeZone)} {patient.data?.name ?? 'Patient'}
        </Text>
        <StatusBadge status={block.appointment.status} />
      </Group>
      {resources && (
        <Text size="xs" truncate>
          {resources}
        </Text>
      )}
    </>
  );
}

export function BlockContent({ event: block }: EventProps<Block>) {
  const timeZone = useGridZone();
  if (block.kind === 'appointment') return <AppointmentContent block={block} />;
  if (block.kind === 'free')
    return (
      <Text span size="xs">
        <VisuallyHidden>{block.label}</VisuallyHidden> {hhmm(block.start, timeZone)}
        <span aria-hidden="true"> free</span>
      </Text>
    );
  return (
    <Text span size="xs">
      Maintenance {hhmm(block.start, timeZone)}–{hhmm(block.end, timeZone)}
      {block.reason ? `: ${block.reason}` : ''}
    </Text>
  );
}

/** An appointment is an article named by its start and patient (display: contents keeps the calendar's layout). */
function AppointmentArticle({ block, children }: { block: AppointmentBlock; children: ReactNode }) {
  const timeZone = useGridZone();
  const patient = usePatient(block.appointment.patientId);
  return (
    <div role="article" aria-label={appointmentLabel(block, patient.data?.name ?? 'Patient', timeZone)} style={{ display: 'contents' }}>
      {children}
    </div>
  );
}

export function BlockWrapper({ event: block, children }: EventWrapperProps<Block> & { children?: ReactNode }) {
  return block.kind === 'appointment' ? <AppointmentArticle block={block}>{children}</AppointmentArticle> : children;
}

/** The day above a column of the week (a heading: "Tue 8 Dec"). */
export function DayHeading({ date }: { date: Date }) {
  const timeZone = useGridZone();
  return (
    <span role="heading" aria-level={3}>
      {dayLabel(dayIn(date, timeZone))}
    </span>
  );
}

/** A doctor's or room's name above its column of the day. */
export function ColumnHeading({ label }: { label?: ReactNode }) {
  return (
    <span role="heading" aria-level={3}>
      {label}
    </span>
  );
}
