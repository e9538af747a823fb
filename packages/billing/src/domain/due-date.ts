/**
 * The day an invoice is due: the appointment's calendar day where it takes place (the doctor's
 * time zone) plus `days`. A late-evening appointment is not billed as the next UTC day.
 */
export function dueDateOf(startsAt: string, timeZone: string, days: number): string {
  const day = new Date(`${localDay(startsAt, timeZone)}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + days);
  return day.toISOString().slice(0, 10);
}

function localDay(startsAt: string, timeZone: string): string {
  try {
    // en-CA formats dates as YYYY-MM-DD.
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
      new Date(startsAt),
    );
  } catch {
    // An unknown zone name must not cost the invoice: the day as written in the timestamp's own offset.
    return startsAt.slice(0, 10);
  }
}
