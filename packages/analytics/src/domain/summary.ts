import type { Counts, Summary, SummaryQuery } from '@pms/contracts';
import { requireRole, type Actor } from '@pms/platform/domain';
import { summarize, summaryLevel, type SummaryRow } from '../db/event-store.js';
import type { AnalyticsContext } from './context.js';

const countsOf = (row: SummaryRow | undefined): Counts => ({
  patientsRegistered: row?.patients_registered ?? 0,
  appointmentsBooked: row?.appointments_booked ?? 0,
  appointmentsCancelled: row?.appointments_cancelled ?? 0,
  appointmentsCompleted: row?.appointments_completed ?? 0,
  appointmentsNoShow: row?.appointments_no_show ?? 0,
  revenueInvoicedCents: Number(row?.revenue_invoiced_cents ?? 0),
  revenuePaidCents: Number(row?.revenue_paid_cents ?? 0),
});

/**
 * Counts and revenue of events that occurred in [from, to). Each event counts on the UTC day
 * of its occurredAt (a booking on the day it was booked, a payment on the day it was paid).
 * Invoiced is the sum of generated invoices (voiding does not subtract); paid is the sum of
 * payments. Days, doctors and specialties without counted events are left out.
 */
export async function getSummary(ctx: AnalyticsContext, actor: Actor, query: SummaryQuery): Promise<Summary> {
  requireRole(actor.principal, 'staff', 'admin');
  const from = new Date(query.from);
  const to = new Date(query.to);
  const rows = await summarize(ctx.db, from, to);
  const at = (level: number) => rows.filter((row) => row.level === level);
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    totals: countsOf(at(summaryLevel.total)[0]),
    byDay: at(summaryLevel.day).flatMap((row) => (row.day ? [{ day: row.day, ...countsOf(row) }] : [])),
    byDoctor: at(summaryLevel.doctor).flatMap((row) => (row.doctor_id ? [{ doctorId: row.doctor_id, ...countsOf(row) }] : [])),
    bySpecialty: at(summaryLevel.specialty).flatMap((row) => (row.specialty ? [{ specialty: row.specialty, ...countsOf(row) }] : [])),
  };
}
