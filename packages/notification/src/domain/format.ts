import { DateTime } from 'luxon';

/** Dates in emails read the same for every recipient: British English, 24-hour clock. */
const locale = 'en-GB';

/**
 * An instant in a time zone the reader can act on, e.g.
 * "Tuesday, 24 November 2026, 09:30 (Europe/Berlin)". An unknown zone falls back to UTC
 * rather than failing the notification.
 */
export function formatDateTimeIn(iso: string, timeZone: string): string {
  const instant = DateTime.fromISO(iso, { setZone: true });
  const local = instant.setZone(timeZone);
  const [shown, zone] = local.isValid ? [local, timeZone] : [instant.setZone('UTC'), 'UTC'];
  return `${shown.setLocale(locale).toFormat('cccc, d LLLL yyyy, HH:mm')} (${zone})`;
}

/** A calendar date (YYYY-MM-DD) as "24 November 2026". */
export function formatDate(isoDate: string): string {
  const date = DateTime.fromISO(isoDate, { zone: 'UTC' });
  return date.isValid ? date.setLocale(locale).toFormat('d LLLL yyyy') : isoDate;
}

/** 12345 EUR → "€123.45"; an unknown currency code is shown as "123.45 XYZ". */
export function formatMoney(amountCents: number, currency: string): string {
  const amount = amountCents / 100;
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(amount);
  } catch {
    return `${amount.toFixed(2)} ${currency}`;
  }
}

const htmlEntities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Names and reasons come from users: never let them become markup. */
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => htmlEntities[char] ?? char);

/** GENERAL_PRACTICE → "General practice". */
export function formatSpecialty(specialty: string): string {
  const words = specialty.toLowerCase().replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
