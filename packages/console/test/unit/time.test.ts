import { describe, expect, it } from 'vitest';
import { addDays, dayIn, dayStart, freeSlots, localInput, weekStart, zonedInstant } from '../../src/lib/time.js';

describe('calendar arithmetic', () => {
  it("finds midnight in the doctor's zone, across daylight saving changes", () => {
    expect(dayStart('2026-07-01', 'Europe/Berlin').toISOString()).toBe('2026-06-30T22:00:00.000Z');
    expect(dayStart('2026-12-01', 'Europe/Berlin').toISOString()).toBe('2026-11-30T23:00:00.000Z');
    expect(dayStart('2026-03-29', 'Europe/Berlin').toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(dayStart('2026-03-30', 'Europe/Berlin').toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect(dayStart('2026-12-01', 'America/New_York').toISOString()).toBe('2026-12-01T05:00:00.000Z');
    expect(dayStart('2026-12-01', 'UTC').toISOString()).toBe('2026-12-01T00:00:00.000Z');
  });

  it("reads a datetime-local value as wall-clock time in the doctor's zone, and writes one back", () => {
    expect(zonedInstant('2026-12-01T09:30', 'Europe/Berlin').toISOString()).toBe('2026-12-01T08:30:00.000Z');
    expect(zonedInstant('2026-07-01T09:30', 'Europe/Berlin').toISOString()).toBe('2026-07-01T07:30:00.000Z');
    expect(zonedInstant('2026-12-01T09:30', 'America/New_York').toISOString()).toBe('2026-12-01T14:30:00.000Z');
    expect(localInput('2026-12-01T08:30:00Z', 'Europe/Berlin')).toBe('2026-12-01T09:30');
    expect(localInput('2026-03-29T01:30:00Z', 'Europe/Berlin')).toBe('2026-03-29T03:30');
  });

  it('knows weeks start on Monday and days roll over months', () => {
    expect(weekStart('2026-12-03')).toBe('2026-11-30');
    expect(weekStart('2026-11-30')).toBe('2026-11-30');
    expect(weekStart('2026-12-06')).toBe('2026-11-30');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(dayIn('2026-11-30T23:30:00Z', 'Europe/Berlin')).toBe('2026-12-01');
  });

  it('drops free slots an active appointment covers, whatever the offset notation', () => {
    const slots = [
      { startsAt: '2026-12-01T08:00:00Z', endsAt: '2026-12-01T08:30:00Z' },
      { startsAt: '2026-12-01T08:30:00Z', endsAt: '2026-12-01T09:00:00Z' },
    ];
    const booked = { startsAt: '2026-12-01T09:00:00+01:00', endsAt: '2026-12-01T09:30:00+01:00', status: 'BOOKED' };
    expect(freeSlots(slots, [booked])).toEqual([slots[1]]);
    expect(freeSlots(slots, [{ ...booked, status: 'CANCELLED' }])).toEqual(slots);
  });
});
