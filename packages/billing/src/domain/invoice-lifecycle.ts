import type { EventData } from '@pms/contracts';
import { AppError } from '@pms/platform/domain';
import type { Executor } from '../db/database.js';
import { findInvoiceByAppointment, insertInvoiceIfAbsent, repricePending, voidPending } from '../db/invoices.js';
import { writeEvent } from '../db/outbox.js';
import type { InvoiceRow } from '../db/schema.js';
import { ensureAccount } from './accounts.js';
import type { BillingContext } from './context.js';
import { dueDateOf } from './due-date.js';
import { invoiceAmountCents, type FeeTable } from './fees.js';
import { invoiceSnapshot } from './mapping.js';

export interface Pricing {
  fees: FeeTable;
  /** ISO 4217, e.g. EUR. */
  currency: string;
  /** An invoice is due this many days after the appointment day. */
  dueDays: number;
}

type Appointment = EventData<'AppointmentBooked'>;

/** What became of an AppointmentCancelled; the caller logs the cases that need a human. */
export type CancellationOutcome =
  | { kind: 'voided'; invoice: InvoiceRow }
  | { kind: 'already-void'; invoice: InvoiceRow }
  /** Money was taken: the invoice stays PAID (it records a real payment); a refund is a staff matter. */
  | { kind: 'paid'; invoice: InvoiceRow }
  /** Cancelled before billing saw the booking: a VOID invoice now stands for it, so a late booking bills nothing. */
  | { kind: 'voided-before-generated'; invoice: InvoiceRow };

export type RescheduleOutcome = 'repriced' | 'unchanged' | 'not-pending' | 'generated';

const source = 'billing';

// How appointments become invoices (the appointment-events side). Every function runs in the
// consumer's transaction, so the invoice, its events and the processed event commit together.

/**
 * AppointmentBooked: one invoice per appointment (the unique appointment_id absorbs repeats).
 * Events of different topics arrive in any order, so an unknown patient gets an account here.
 */
export async function generateInvoice(
  ctx: Pick<BillingContext, 'pricing'>,
  tx: Executor,
  appointment: Appointment,
  requestId: string | null,
): Promise<InvoiceRow | undefined> {
  const { account } = await ensureAccount(tx, { patientId: appointment.patientId, ...appointment.patient }, requestId);
  const invoice = await insertInvoiceIfAbsent(tx, { ...termsOf(ctx.pricing, appointment), accountId: account.id });
  if (!invoice) return undefined;
  await writeEvent(tx, { type: 'InvoiceGenerated', subject: invoice.id, source, requestId, data: invoiceSnapshot(invoice) });
  return invoice;
}

/** AppointmentCancelled: the PENDING invoice is voided; a PAID one is left as it is (see CancellationOutcome). */
export async function voidInvoiceOfCancelled(
  ctx: Pick<BillingContext, 'pricing'>,
  tx: Executor,
  cancelled: EventData<'AppointmentCancelled'>,
  requestId: string | null,
): Promise<CancellationOutcome> {
  const reason = `Appointment cancelled${cancelled.cancellationReason ? `: ${cancelled.cancellationReason}` : ''}`;
  const voided = await voidPending(tx, cancelled.appointmentId, reason);
  if (voided) {
    const data = { ...invoiceSnapshot(voided), voidReason: reason };
    await writeEvent(tx, { type: 'InvoiceVoided', subject: voided.id, source, requestId, data });
    return { kind: 'voided', invoice: voided };
  }
  const existing = await findInvoiceByAppointment(tx, cancelled.appointmentId);
  if (existing) return { kind: existing.status === 'PAID' ? 'paid' : 'already-void', invoice: existing };
  const { account } = await ensureAccount(tx, { patientId: cancelled.patientId, ...cancelled.patient }, requestId);
  const tombstone = await insertInvoiceIfAbsent(tx, {
    ...termsOf(ctx.pricing, cancelled),
    accountId: account.id,
    status: 'VOID',
    voidReason: reason,
    voidedAt: new Date(),
  });
  // Only a booking of the same appointment committed meanwhile wins this insert: failing lets the
  // consumer retry, and the retry voids that invoice.
  if (!tombstone) throw new AppError('INTERNAL', `Invoice of appointment ${cancelled.appointmentId} appeared mid-cancellation`);
  return { kind: 'voided-before-generated', invoice: tombstone };
}

/**
 * AppointmentRescheduled: a PENDING invoice follows a new duration (amount) and a new day (due
 * date); a paid or void one is history. No invoice yet: the booking was missed, bill it now.
 */
export async function rescheduleInvoice(
  ctx: Pick<BillingContext, 'pricing'>,
  tx: Executor,
  appointment: Appointment,
  requestId: string | null,
): Promise<RescheduleOutcome> {
  const existing = await findInvoiceByAppointment(tx, appointment.appointmentId);
  if (!existing) return (await generateInvoice(ctx, tx, appointment, requestId)) ? 'generated' : 'unchanged';
  if (existing.status !== 'PENDING') return 'not-pending';
  const { durationMinutes, amountCents, dueDate } = termsOf(ctx.pricing, appointment);
  const same = existing.durationMinutes === durationMinutes && existing.dueDate === dueDate && existing.amountCents === amountCents;
  if (same) return 'unchanged';
  await repricePending(tx, appointment.appointmentId, { durationMinutes, amountCents, dueDate });
  return 'repriced';
}

function termsOf({ fees, currency, dueDays }: Pricing, appointment: Appointment) {
  return {
    appointmentId: appointment.appointmentId,
    patientId: appointment.patientId,
    doctorId: appointment.doctorId,
    specialty: appointment.doctor.specialty,
    durationMinutes: appointment.durationMinutes,
    // The appointment type's price when it has one; otherwise the specialty's fee for the duration.
    amountCents: appointment.priceCents ?? invoiceAmountCents(fees, appointment.doctor.specialty, appointment.durationMinutes),
    currency,
    dueDate: dueDateOf(appointment.startsAt, appointment.doctor.timeZone, dueDays),
    patientName: appointment.patient.name,
    patientEmail: appointment.patient.email,
  };
}
