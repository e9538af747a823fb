import { describe, expect, it } from 'vitest';
import { openPeriods, type OpeningHours, type Openings } from '../src/domain/opening-hours.js';
import { fitsSchedule, gridSlots, visitSlots, type Period, type WeeklySchedule } from '../src/domain/slots.js';

// Opening hours clip what a doctor's blocks offer: pure functions, no database.
const at = (iso: string) => Date.parse(iso);
const period = (start: string, end: string): Period => ({ start: at(start), end: at(end) });
const starts = (slots: Period[]) => slots.map((slot) => new Date(slot.start).toISOString());
const visit = { durationMinutes: 60, bufferBeforeMinutes: 0, bufferAfterMinutes: 0 };
const site = 'b1e0c3f2-6a4d-4c1e-9f57-2d8a7c0e5b11';

const sundaysInBerlin: OpeningHours = { timeZone: 'Europe/Berlin', hours: [{ weekday: 7, start: '09:00', end: '12:00' }] };

/** A doctor whose Sunday block at the site (06:00-20:00 Berlin time) is far longer than the site is open. */
const schedule = (openings: Openings): WeeklySchedule => ({
  timeZone: 'UTC',
  slotMinutes: 60,
  hours: [{ weekday: 7, start: '06:00', end: '20:00', locationId: site, timeZone: 'Europe/Berlin' }],
  openings,
});

describe('opening hours', () => {
  it('merges periods that meet, so a visit may run across the seam', () => {
    const split: OpeningHours = { timeZone: 'UTC', hours: [{ weekday: 1, start: '12:00', end: '18:00' }, { weekday: 1, start: '08:00', end: '12:00' }] };
    expect(openPeriods(split, period('2027-02-01T00:00:00Z', '2027-02-02T00:00:00Z'))).toEqual([period('2027-02-01T08:00:00Z', '2027-02-01T18:00:00Z')]);
  });

  it('offers only the slots inside the site’s hours, at 09:00 local on both sides of the spring change (2026-03-29)', () => {
    const slots = visitSlots(schedule(new Map([[site, sundaysInBerlin]])), period('2026-03-22T00:00:00Z', '2026-03-30T00:00:00Z'), [], 0, visit);
    expect(starts(slots)).toEqual([
      // 2026-03-22, CET (+01:00): 09:00, 10:00, 11:00 local
      '2026-03-22T08:00:00.000Z',
      '2026-03-22T09:00:00.000Z',
      '2026-03-22T10:00:00.000Z',
      // 2026-03-29, CEST (+02:00)
      '2026-03-29T07:00:00.000Z',
      '2026-03-29T08:00:00.000Z',
      '2026-03-29T09:00:00.000Z',
    ]);
  });

  it('keeps the block’s slot grid: closing hours remove slots and never shift the others', () => {
    const quarterPast: WeeklySchedule = {
      timeZone: 'UTC',
      slotMinutes: 30,
      hours: [{ weekday: 1, start: '07:45', end: '10:00' }],
      // Blocks naming no location are at the default one (the `null` key).
      openings: new Map([[null, { timeZone: 'UTC', hours: [{ weekday: 1, start: '08:00', end: '12:00' }] }]]),
    };
    const monday = period('2027-02-01T00:00:00Z', '2027-02-02T00:00:00Z');
    expect(starts(gridSlots(quarterPast, monday))).toEqual(['2027-02-01T08:15:00.000Z', '2027-02-01T08:45:00.000Z', '2027-02-01T09:15:00.000Z']);
    expect(fitsSchedule(quarterPast, period('2027-02-01T07:45:00Z', '2027-02-01T08:15:00Z'))).toBe(false);
    expect(fitsSchedule(quarterPast, period('2027-02-01T08:15:00Z', '2027-02-01T08:45:00Z'))).toBe(true);
  });

  it('never closes a location that lists no hours, or whose hours are not known', () => {
    const window = period('2026-03-22T00:00:00Z', '2026-03-23T00:00:00Z');
    const all = visitSlots(schedule(new Map()), window, [], 0, visit);
    expect(all).toHaveLength(14);
    expect(visitSlots(schedule(new Map([[site, { timeZone: 'Europe/Berlin', hours: [] }]])), window, [], 0, visit)).toEqual(all);
  });
});
