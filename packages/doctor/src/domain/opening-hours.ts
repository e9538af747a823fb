import { DateTime } from 'luxon';

/** A half-open period [start, end) in epoch milliseconds (slots.ts's Period, kept here to import nothing back). */
interface Span {
  start: number;
  end: number;
}

/** A location's weekly opening hours: wall-clock times in its time zone (weekday 1 = Monday … 7 = Sunday). */
export interface OpeningHours {
  timeZone: string;
  hours: { weekday: number; start: string; end: string }[];
}

/**
 * Opening hours by location id, and under `null` the default location's (where working hours
 * that name no location are held). A location that is missing, or lists no hours, is never
 * closed: hours nobody entered do not close a clinic (the default location starts without any).
 */
export type Openings = ReadonlyMap<string | null, OpeningHours>;

/** The instant of a wall-clock time on a local day: built from fields, so each day gets its own UTC offset (daylight saving). */
export function wallClock(day: DateTime, clock: string): number {
  const [hour, minute] = clock.split(':').map(Number);
  return day.set({ hour, minute, second: 0, millisecond: 0 }).toMillis();
}

/**
 * The periods a location is open on every local day (in its time zone) that the window touches,
 * earliest first; periods that meet or overlap are one (08:00-12:00 and 12:00-18:00 is 08:00-18:00,
 * so a visit may run across the seam).
 */
export function openPeriods(opening: OpeningHours, window: Span): Span[] {
  const zone = opening.timeZone;
  const periods: Span[] = [];
  const lastDay = DateTime.fromMillis(window.end, { zone }).startOf('day');
  for (let day = DateTime.fromMillis(window.start, { zone }).startOf('day'); day <= lastDay; day = day.plus({ days: 1 })) {
    for (const hours of opening.hours) {
      if (hours.weekday === day.weekday) periods.push({ start: wallClock(day, hours.start), end: wallClock(day, hours.end) });
    }
  }
  const merged: Span[] = [];
  for (const period of periods.sort((a, b) => a.start - b.start)) {
    const last = merged.at(-1);
    if (last && period.start <= last.end) last.end = Math.max(last.end, period.end);
    else if (period.start < period.end) merged.push({ ...period });
  }
  return merged;
}

/** Whether a period at a location lies wholly inside one of its open periods. */
export type OpeningCheck = (period: Span, locationId: string | null) => boolean;

/**
 * The check for periods inside `window`: each location's open periods are worked out once, on
 * first use, and every period is then checked in memory.
 */
export function openingCheck(openings: Openings | undefined, window: Span): OpeningCheck {
  const computed = new Map<string | null, Span[]>();
  return (period, locationId) => {
    const opening = openings?.get(locationId);
    if (!opening || opening.hours.length === 0) return true;
    let open = computed.get(locationId);
    if (!open) computed.set(locationId, (open = openPeriods(opening, window)));
    return open.some((span) => span.start <= period.start && period.end <= span.end);
  };
}
