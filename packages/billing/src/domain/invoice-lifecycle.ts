import { randomUUID } from 'node:crypto';
import type { EventData } from '@pms/contracts';
import { AppError } from '@pms/platform/domain';
import type { Executor } from '../db/database.js';
import { findInvoiceByAppointment, insertInvoiceIfAbsent, insertPendingInvoices, repricePending, voidPendingMany, type WantedInvoice } from '../db/invoices.js';
import { newOutboxEntry, writeEvents } from '../db/outbox.js';
import type { InvoiceRow } from '../db/schema.js';
import { accountToOpen, ensureAccount } from './accounts.js';
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

/** An AppointmentBooked to bill, with the request id its events carry on. */
export interface Booking {
  appointment: Appointment;
  requestId: string | null;
}

/**
 * AppointmentBooked: one invoice per appointment (the unique appointment_id absorbs repeats).
 * Events of different topics arrive in any order, so an unknown patient gets an account here.
 * The new invoice when there was none.
 */
export async function generateInvoice(
  ctx: Pick<BillingContext, 'pricing'>,
  tx: Executor,
  appointment: Appointment,
  requestId: string | null,
): Promise<InvoiceRow | undefined> {
  const [invoice] = await generateInvoices(ctx, tx, [{ appointment, requestId }]);
  return invoice;
}

/**
 * Bookings in their order, all in one statement (see insertPendingInvoices): the first booking of
 * an appointment, and of a patient without an account, is the one that counts, as if each were
 * applied in turn. The invoices inserted now come back.
 */
export async function generateInvoices(ctx: Pick<BillingContext, 'pricing'>, tx: Executor, bookings: Booking[]): Promise<InvoiceRow[]> {
  const accounts = firstOfEach(bookings, ({ appointment }) => appointment.patientId).map(({ appointment, requestId }) =>
    accountToOpen({ patientId: appointment.patientId, ...appointment.patient }, requestId),
  );
  const wanted = firstOfEach(bookings, ({ appointment }) => appointment.appointmentId).map((booking) => invoiceToGenerate(ctx.pricing, booking));
  const { generated, unbilled } = await insertPendingInvoices(tx, accounts, wanted);
  // Only a concurrent delete could get here; there is no delete, so it is a bug.
  if (unbilled.length > 0) throw new AppError('INTERNAL', `Billing account of patient ${unbilled[0]} vanished`);
  return wanted.flatMap(({ invoice }) => {
    const accountId = generated.get(invoice.id);
    return accountId ? [{ ...invoice, accountId }] : [];
  });
}

/** The PENDING invoice of a booking and its InvoiceGenerated, id and times chosen here so the event is complete before the statement. */
function invoiceToGenerate(pricing: Pricing, { appointment, requestId }: Booking): WantedInvoice {
  const now = new Date();
  const invoice = {
    id: randomUUID(),
    ...termsOf(pricing, appointment),
    status: 'PENDING' as const,
    paymentMethod: null,
    paidAt: null,
    voidedAt: null,
    voidReason: null,
    createdAt: now,
    updatedAt: now,
  };
  const { row: event } = newOutboxEntry({ type: 'InvoiceGenerated', subject: invoice.id, source, requestId, data: invoiceSnapshot(invoice) });
  return { invoice, event };
}

function firstOfEach<T>(items: T[], keyOf: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = keyOf(item);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const cancellationReason = (cancelled: EventData<'AppointmentCancelled'>) =>
  `Appointment cancelled${cancelled.cancellationReason ? `: ${cancelled.cancellationReason}` : ''}`;

/**
 * A run of AppointmentCancelled: the PENDING invoices voided in one statement and announced in
 * another, however many; the rare rest (paid, already void, not billed yet) one by one as below.
 */
export async function voidInvoicesOfCancelled(
  ctx: Pick<BillingContext, 'pricing'>,
  tx: Executor,
  cancellations: { cancelled: EventData<'AppointmentCancelled'>; requestId: string | null }[],
): Promise<CancellationOutcome[]> {
  const byAppointment = new Map(cancellations.map((item) => [item.cancelled.appointmentId, item]));
  const reasons = new Map([...byAppointment].map(([appointmentId, { cancelled }]) => [appointmentId, cancellationReason(cancelled)]));
  const voided = await voidPendingMany(tx, reasons);
  await writeEvents(
    tx,
    voided.map((invoice) => ({
      type: 'InvoiceVoided' as const,
      subject: invoice.id,
      source,
      requestId: byAppointment.get(invoice.appointmentId)?.requestId ?? null,
      data: { ...invoiceSnapshot(invoice), voidReason: reasons.get(invoice.appointmentId)! },
    })),
  );
  const outcomes: CancellationOutcome[] = voided.map((invoice) => ({ kind: 'voided', invoice }));
  for (const invoice of voided) byAppointment.delete(invoice.appointmentId);
  for (const { cancelled, requestId } of byAppointment.values()) outcomes.push(await settleWithoutPending(ctx, tx, cancelled, requestId));
  return outcomes;
}

/**
 * A cancellation whose appointment had no PENDING invoice: a PAID one is left as it is, a VOID one
 * stays, and none yet gets a VOID invoice standing for it (see CancellationOutcome).
 */
async function settleWithoutPending(
  ctx: Pick<BillingContext, 'pricing'>,
  tx: Executor,
  cancelled: EventData<'AppointmentCancelled'>,
  requestId: string | null,
): Promise<CancellationOutcome> {
  const reason = cancellationReason(cancelled);
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
