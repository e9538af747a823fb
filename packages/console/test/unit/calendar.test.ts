import type { Appointment } from '@pms/contracts/http';
import { describe, expect, it } from 'vitest';
import { appointmentBlocks, freeBlocks, maintenanceBlocks, resourceNames, roomsOf, withMove } from '../../src/lib/calendar.js';

const room = { resourceId: '00000000-0000-4000-8000-0000000000a1', unit: 0, name: 'Exam 1', category: 'ROOM' as const, kind: 'EXAM' };
const echo = { resourceId: '00000000-0000-4000-8000-0000000000e1', unit: 0, name: 'Echo', category: 'EQUIPMENT' as const, kind: 'ULTRASOUND' };
const visit = (id: string, doctorId: string, startsAt: string, endsAt: string, overrides: Partial<Appointment> = {}): Appointment => ({
  id,
  patientId: 'p',
  doctorId,
  startsAt,
  endsAt,
  status: 'BOOKED',
  reason: null,
  cancellationReason: null,
  cancelledBy: null,
  appointmentTypeId: null,
  seriesId: null,
  locationId: null,
  resources: [],
  createdAt: startsAt,
  updatedAt: startsAt,
  ...overrides,
});

describe('the blocks of the calendar grid', () => {
  const booked = visit('a1', 'doc-1', '2026-12-08T14:00:00Z', '2026-12-08T14:30:00Z', { resources: [room, echo] });
  const cancelled = visit('a2', 'doc-1', '2026-12-08T15:00:00Z', '2026-12-08T15:30:00Z', { status: 'CANCELLED' });
  const done = visit('a3', 'doc-2', '2026-12-08T13:00:00Z', '2026-12-08T13:30:00Z', { status: 'COMPLETED' });

  it('draws visits in their doctor’s or room’s column, sized by their times; cancelled ones leave the grid', () => {
    const byDoctor = appointmentBlocks([booked, cancelled, done], (a) => [a.doctorId], true);
    expect(byDoctor.map((block) => [block.appointment.id, block.columnId, block.draggable])).toEqual([
      ['a1', 'doc-1', true],
      ['a3', 'doc-2', false],
    ]);
    expect(byDoctor[0]!.end.getTime() - byDoctor[0]!.start.getTime()).toBe(30 * 60_000);
    expect(appointmentBlocks([booked], (a) => [a.doctorId], false)[0]!.draggable).toBe(false);
    const byRoom = appointmentBlocks([booked, done], roomsOf, true);
    expect(byRoom.map((block) => [block.appointment.id, block.columnId])).toEqual([['a1', room.resourceId]]);
    expect(resourceNames(booked)).toBe('Exam 1 · Echo');
  });

  it('shows a doctor’s free slots that none of their visits covers, named for the day in the zone', () => {
    const slots = [
      { startsAt: '2026-12-08T14:00:00Z', endsAt: '2026-12-08T14:30:00Z' },
      { startsAt: '2026-12-08T15:00:00Z', endsAt: '2026-12-08T15:30:00Z' },
      // 00:30 on the 9th in UTC is still the 8th in New York.
      { startsAt: '2026-12-09T00:30:00Z', endsAt: '2026-12-09T01:00:00Z' },
    ];
    const free = freeBlocks({ id: 'doc-1', title: 'Dr. A' }, slots, [booked, cancelled, done], 'America/New_York', true);
    expect(free.map((block) => [block.start.toISOString(), block.label])).toEqual([
      ['2026-12-08T15:00:00.000Z', 'Free slot Dr. A Tue 8 Dec'],
      ['2026-12-09T00:30:00.000Z', 'Free slot Dr. A Tue 8 Dec'],
    ]);
    expect(freeBlocks({ id: 'doc-1', title: 'Dr. A' }, slots.slice(1, 2), [], 'UTC', false)[0]!.label).toBe('Free slot Tue 8 Dec');
  });

  it('puts maintenance in its resource’s column, and a moved visit where it was dropped until the server answers', () => {
    expect(maintenanceBlocks('r1', [{ id: 'm1', startsAt: '2026-12-08T16:00:00Z', endsAt: '2026-12-08T17:00:00Z', reason: 'Repair' }])).toMatchObject([
      { kind: 'maintenance', columnId: 'r1', reason: 'Repair' },
    ]);
    const blocks = appointmentBlocks([booked], (a) => [a.doctorId], true);
    const start = new Date('2026-12-08T16:00:00Z');
    const end = new Date('2026-12-08T16:30:00Z');
    expect(withMove(blocks, { appointmentId: 'a1', start, end })[0]).toMatchObject({ start, end });
    expect(withMove(blocks, undefined)).toBe(blocks);
  });
});
