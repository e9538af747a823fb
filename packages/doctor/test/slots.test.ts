import { describe, expect, it } from 'vitest';
import { fitsSchedule, freeSlots, slotsOf, workingBlocks, type Period, type WeeklySchedule } from '../src/domain/slots.js';

const at = (iso: string) => Date.parse(iso);
const period = (start: string, end: string): Period => ({ start: at(start), end: at(end) });
const starts = (slots: Period[]) => slots.map((slot) => new Date(slot.start).toISOString());
const longAgo = 0;

const berlinWeekend: WeeklySchedule = {
  timeZone: 'Europe/Berlin',
  slotMinutes: 60,
  hours: [
    { weekday: 6, start: '09:00', end: '12:00' },
    { weekday: 7, start: '09:00', end: '12:00' },
  ],
};

describe('slots across daylight-saving changes (Europe/Berlin)', () => {
  it('keeps 09:00 local on both sides of the spring change (2026-03-29), at different UTC offsets', () => {
    const slots = freeSlots(berlinWeekend, period('2026-03-28T00:00:00Z', '2026-03-30T00:00:00Z'), [], longAgo);
    expect(starts(slots)).toEqual([
      // Saturday, CET (+01:00)
      '2026-03-28T08:00:00.000Z',
      '2026-03-28T09:00:00.000Z',
      '2026-03-28T10:00:00.000Z',
      // Sunday, CEST (+02:00)
      '2026-03-29T07:00:00.000Z',
      '2026-03-29T08:00:00.000Z',
      '2026-03-29T09:00:00.000Z',
    ]);
  });

  it('keeps 09:00 local on both sides of the autumn change (2026-10-25)', () => {
    const slots = freeSlots(berlinWeekend, period('2026-10-24T00:00:00Z', '2026-10-26T00:00:00Z'), [], longAgo);
    expect(starts(slots)).toEqual([
      '2026-10-24T07:00:00.000Z',
      '2026-10-24T08:00:00.000Z',
      '2026-10-24T09:00:00.000Z',
      '2026-10-25T08:00:00.000Z',
      '2026-10-25T09:00:00.000Z',
      '2026-10-25T10:00:00.000Z',
    ]);
  });

  it('cuts a block spanning the change in real time: one hour less in spring, one more in autumn', () => {
    const night: WeeklySchedule = { timeZone: 'Europe/Berlin', slotMinutes: 60, hours: [{ weekday: 7, start: '01:00', end: '04:00' }] };
    const spring = slotsOf(workingBlocks(night, period('2026-03-28T12:00:00Z', '2026-03-29T12:00:00Z')), 60);
    // 01:00 CET, then 03:00 CEST: 02:00 does not exist that night.
    expect(starts(spring)).toEqual(['2026-03-29T00:00:00.000Z', '2026-03-29T01:00:00.000Z']);
    const autumn = slotsOf(workingBlocks(night, period('2026-10-24T12:00:00Z', '2026-10-25T12:00:00Z')), 60);
    // 01:00 CEST, 02:00 CEST, 02:00 CET again, 03:00 CET.
    expect(starts(autumn)).toEqual(['2026-10-24T23:00:00.000Z', '2026-10-25T00:00:00.000Z', '2026-10-25T01:00:00.000Z', '2026-10-25T02:00:00.000Z']);
  });
});

describe('freeSlots', () => {
  const weekdays: WeeklySchedule = {
    timeZone: 'UTC',
    slotMinutes: 30,
    hours: [
      { weekday: 1, start: '09:00', end: '11:00' },
      { weekday: 1, start: '14:00', end: '15:10' },
    ],
  };
  // 2026-11-23 is a Monday.
  const monday = period('2026-11-23T00:00:00Z', '2026-11-24T00:00:00Z');

  it('cuts each block into whole slots and ignores a remainder shorter than a slot', () => {
    expect(starts(freeSlots(weekdays, monday, [], longAgo))).toEqual([
      '2026-11-23T09:00:00.000Z',
      '2026-11-23T09:30:00.000Z',
      '2026-11-23T10:00:00.000Z',
      '2026-11-23T10:30:00.000Z',
      '2026-11-23T14:00:00.000Z',
      '2026-11-23T14:30:00.000Z',
    ]);
  });

  it('leaves out slots overlapping busy periods, slots already started and slots sticking out of the window', () => {
    const busy = [period('2026-11-23T14:20:00Z', '2026-11-23T14:40:00Z'), period('2026-11-23T10:00:00Z', '2026-11-23T10:30:00Z')];
    const slots = freeSlots(weekdays, period('2026-11-23T09:15:00Z', '2026-11-24T00:00:00Z'), busy, at('2026-11-23T09:31:00Z'));
    expect(starts(slots)).toEqual(['2026-11-23T10:30:00.000Z']);
  });

  it('has nothing on days without working hours', () => {
    expect(freeSlots(weekdays, period('2026-11-24T00:00:00Z', '2026-11-29T00:00:00Z'), [], longAgo)).toEqual([]);
  });
});

describe('fitsSchedule', () => {
  const schedule: WeeklySchedule = {
    timeZone: 'Europe/Berlin',
    slotMinutes: 30,
    hours: [
      { weekday: 1, start: '09:00', end: '12:00' },
      { weekday: 1, start: '12:00', end: '13:00' },
    ],
  };
  // Monday 2026-11-23, CET: 09:00 local = 08:00Z.
  it('accepts a period on the slot grid inside one block, of one slot or several', () => {
    expect(fitsSchedule(schedule, period('2026-11-23T08:00:00Z', '2026-11-23T08:30:00Z'))).toBe(true);
    expect(fitsSchedule(schedule, period('2026-11-23T09:30:00Z', '2026-11-23T11:00:00Z'))).toBe(true);
    expect(fitsSchedule(schedule, period('2026-11-23T11:00:00Z', '2026-11-23T11:20:00Z'))).toBe(true);
  });

  it('refuses periods off the grid, outside the hours, across two blocks or on another day', () => {
    expect(fitsSchedule(schedule, period('2026-11-23T08:10:00Z', '2026-11-23T08:40:00Z'))).toBe(false);
    expect(fitsSchedule(schedule, period('2026-11-23T07:30:00Z', '2026-11-23T08:00:00Z'))).toBe(false);
    expect(fitsSchedule(schedule, period('2026-11-23T10:30:00Z', '2026-11-23T11:30:00Z'))).toBe(false);
    expect(fitsSchedule(schedule, period('2026-11-24T08:00:00Z', '2026-11-24T08:30:00Z'))).toBe(false);
  });

  it('follows the local clock across a daylight-saving change', () => {
    const sunday: WeeklySchedule = { timeZone: 'Europe/Berlin', slotMinutes: 30, hours: [{ weekday: 7, start: '09:00', end: '12:00' }] };
    expect(fitsSchedule(sunday, period('2026-03-29T07:00:00Z', '2026-03-29T07:30:00Z'))).toBe(true);
    expect(fitsSchedule(sunday, period('2026-03-22T08:00:00Z', '2026-03-22T08:30:00Z'))).toBe(true);
    // 08:00 UTC was 09:00 a week earlier but is 10:00 local after the change: still fine; 06:30Z (08:30 local) is not.
    expect(fitsSchedule(sunday, period('2026-03-29T06:30:00Z', '2026-03-29T07:00:00Z'))).toBe(false);
  });
});
