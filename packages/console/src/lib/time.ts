/** Calendar arithmetic in a doctor's time zone, with nothing but Intl. Days are 'YYYY-MM-DD'. */

const partsFormatter = (timeZone: string) =>
  new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });

/** Milliseconds the zone is ahead of UTC at that instant. */
export function zoneOffsetMs(instant: number, timeZone: string): number {
  const parts = Object.fromEntries(partsFormatter(timeZone).formatToParts(instant).map((part) => [part.type, part.value]));
  const wallClock = Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!, +parts.second!);
  return wallClock - Math.floor(instant / 1000) * 1000;
}

/** The instant a wall-clock time ('YYYY-MM-DDTHH:mm', as a datetime-local input holds it) names in the zone. */
export function zonedInstant(local: string, timeZone: string): Date {
  const asUtc = Date.parse(`${local.slice(0, 16)}:00Z`);
  const first = asUtc - zoneOffsetMs(asUtc, timeZone);
  // Once more with the offset at the guessed instant: right across a DST change too.
  return new Date(asUtc - zoneOffsetMs(first, timeZone));
}

/** A datetime-local value typed for the doctor, as the instant the API takes ('' stays '' for the schema to reject). */
export const instantFor = (local: string, timeZone: string) => (local ? zonedInstant(local, timeZone).toISOString() : '');

/** The instant a day starts in the zone (midnight wall-clock time there). */
export function dayStart(day: string, timeZone: string): Date {
  return zonedInstant(`${day}T00:00`, timeZone);
}

/** The wall-clock time of an instant in the zone, as a datetime-local input takes it. */
export function localInput(instant: string | number, timeZone: string): string {
  const parts = Object.fromEntries(partsFormatter(timeZone).formatToParts(new Date(instant)).map((part) => [part.type, part.value]));
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The Monday of the day's week. */
export function weekStart(day: string): string {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return addDays(day, -((weekday + 6) % 7));
}

/** The day an instant falls on in the zone. */
export function dayIn(instant: string | number | Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(instant));
}

export function timeIn(instant: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit' }).format(new Date(instant));
}

export function dateTimeIn(instant: string, timeZone?: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, dateStyle: 'medium', timeStyle: 'short' }).format(new Date(instant));
}

export function dayLabel(day: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short' }).format(new Date(`${day}T00:00:00Z`));
}

export const money = (cents: number, currency: string) =>
  new Intl.NumberFormat('en-GB', { style: 'currency', currency }).format(cents / 100);

interface Span {
  startsAt: string;
  endsAt: string;
}
/**
 * Free slots minus those an active appointment already covers: availability learns of a booking
 * through an event, a moment after the appointment itself exists.
 */
export function freeSlots<S extends Span>(slots: S[], appointments: (Span & { status: string })[]): S[] {
  const busy = appointments.filter((a) => a.status !== 'CANCELLED').map((a) => [Date.parse(a.startsAt), Date.parse(a.endsAt)] as const);
  return slots.filter((slot) => {
    const [start, end] = [Date.parse(slot.startsAt), Date.parse(slot.endsAt)];
    return !busy.some(([busyStart, busyEnd]) => busyStart < end && start < busyEnd);
  });
}
