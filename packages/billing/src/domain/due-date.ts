/**
 * The day an invoice is due: the appointment's calendar day where it takes place (the doctor's
 * time zone) plus `days`. A late-evening appointment is not billed as the next UTC day.
 */
export function dueDateOf(startsAt: string, timeZone: string, days: number): string {
  const day = new Date(`${localDay(startsAt, timeZone)}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + days);
  return day.toISOString().slice(0, 10);
}

// Building a DateTimeFormat costs far more than using one (it showed in billing's profile under
// booking load): one per time zone, kept. Clinics use a handful of zones.
const dayFormats = new Map<string, Intl.DateTimeFormat>();

function dayFormatOf(timeZone: string): Intl.DateTimeFormat {
  let format = dayFormats.get(timeZone);
  if (!format) {
    // en-CA formats dates as YYYY-MM-DD.
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(timeZone, format);
  }
  return format;
}

function localDay(startsAt: string, timeZone: string): string {
  try {
    return dayFormatOf(timeZone).format(new Date(startsAt));
  } catch {
    // An unknown zone name must not cost the invoice: the day as written in the timestamp's own offset.
    return startsAt.slice(0, 10);
  }
}
