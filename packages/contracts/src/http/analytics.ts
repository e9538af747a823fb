import { z } from 'zod';
import { afterValid, dateTimeInput, isoDateTime } from '../common.js';

export const SummaryQuery = z
  .object({ from: dateTimeInput, to: dateTimeInput })
  .refine((q) => Date.parse(q.from) < Date.parse(q.to), { message: 'must be after from', path: ['to'], ...afterValid });

export const Counts = z.object({
  patientsRegistered: z.number().int(),
  appointmentsBooked: z.number().int(),
  appointmentsCancelled: z.number().int(),
  appointmentsCompleted: z.number().int(),
  appointmentsNoShow: z.number().int(),
  revenueInvoicedCents: z.number().int(),
  revenuePaidCents: z.number().int(),
});
/**
 * Events that occurred in [from, to). Each event counts on the UTC day of its occurredAt (a
 * booking on the day it was booked, a payment on the day it was paid). Revenue invoiced is the
 * sum of generated invoices (voiding does not subtract), revenue paid the sum of payments, in
 * cents of the clinic's one currency. Days, doctors and specialties without events are omitted.
 */
export const Summary = z.object({
  from: isoDateTime,
  to: isoDateTime,
  totals: Counts,
  byDay: z.array(Counts.extend({ day: z.string() })),
  byDoctor: z.array(Counts.extend({ doctorId: z.string() })),
  bySpecialty: z.array(Counts.extend({ specialty: z.string() })),
});
export type SummaryQuery = z.infer<typeof SummaryQuery>;
export type Counts = z.infer<typeof Counts>;
export type Summary = z.infer<typeof Summary>;
