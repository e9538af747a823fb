import type { Appointment } from '@pms/contracts/http';
import { dayIn, dayLabel, freeSlots, timeIn } from './time.js';

// What the calendar grid draws: blocks sized by their times, each in one column (a doctor or a
// room) in the day view. Pure, so the mapping is tested without a browser.

export interface Column {
  id: string;
  title: string;
}

interface Placed {
  /** Unique among the blocks on screen. */
  key: string;
  start: Date;
  end: Date;
  /** The column (doctor or room) it is drawn in. */
  columnId: string;
}
export interface FreeBlock extends Placed {
  kind: 'free';
  doctorId: string;
  /** What a screen reader (and a test) calls it: "Free slot Dr. A Tue 8 Dec" before the time. */
  label: string;
}
export interface AppointmentBlock extends Placed {
  kind: 'appointment';
  appointment: Appointment;
  /** Staff move booked visits; what happened already stays put. */
  draggable: boolean;
}
export interface MaintenanceBlock extends Placed {
  kind: 'maintenance';
  reason: string | null;
}
export type Block = FreeBlock | AppointmentBlock | MaintenanceBlock;

const span = (item: { startsAt: string; endsAt: string }) => ({ start: new Date(item.startsAt), end: new Date(item.endsAt) });
/** Cancelled visits leave the grid: their time shows as free again. */
const onGrid = (appointment: Appointment) => appointment.status !== 'CANCELLED';

export function appointmentBlocks(appointments: Appointment[], columnOf: (appointment: Appointment) => string[], canMove: boolean): AppointmentBlock[] {
  return appointments.filter(onGrid).flatMap((appointment) =>
    columnOf(appointment).map((columnId) => ({
      kind: 'appointment' as const,
      key: `${appointment.id}:${columnId}`,
      columnId,
      appointment,
      draggable: canMove && appointment.status === 'BOOKED',
      ...span(appointment),
    })),
  );
}

/** The rooms and devices a visit holds, as people read them ('' for none). */
export const resourceNames = (appointment: Appointment) => appointment.resources.map((resource) => resource.name).join(' · ');

/** The rooms a visit holds, as columns of the by-room view. */
export const roomsOf = (appointment: Appointment) => appointment.resources.filter((resource) => resource.category === 'ROOM').map((resource) => resource.resourceId);

/** A doctor's free slots not covered by one of their visits (availability hears of a booking a moment later). */
export function freeBlocks(doctor: Column, slots: { startsAt: string; endsAt: string }[], appointments: Appointment[], timeZone: string, named: boolean): FreeBlock[] {
  const theirs = appointments.filter((appointment) => appointment.doctorId === doctor.id);
  return freeSlots(slots, theirs).map((slot) => ({
    kind: 'free' as const,
    key: `free:${doctor.id}:${slot.startsAt}`,
    columnId: doctor.id,
    doctorId: doctor.id,
    label: ['Free slot', named ? doctor.title : undefined, dayLabel(dayIn(slot.startsAt, timeZone))].filter(Boolean).join(' '),
    ...span(slot),
  }));
}

export function maintenanceBlocks(resourceId: string, entries: { id: string; startsAt: string; endsAt: string; reason: string | null }[]): MaintenanceBlock[] {
  return entries.map((entry) => ({ kind: 'maintenance' as const, key: `maintenance:${entry.id}`, columnId: resourceId, reason: entry.reason, ...span(entry) }));
}

/** The accessible name of an appointment block: its start and who comes. */
export const appointmentLabel = (block: AppointmentBlock, patientName: string, timeZone: string) => `${timeIn(block.appointment.startsAt, timeZone)} ${patientName}`;

/** A block moved on screen while the server decides; gone again once it answered. */
export function withMove(blocks: Block[], moved: { appointmentId: string; start: Date; end: Date } | undefined): Block[] {
  if (!moved) return blocks;
  return blocks.map((block) => (block.kind === 'appointment' && block.appointment.id === moved.appointmentId ? { ...block, start: moved.start, end: moved.end } : block));
}
