import { consumeInRuns, runEffect, type EventLogger, type EventsInRuns } from '@pms/platform';
import { ensureAccounts, followPatientContacts } from '../domain/accounts.js';
import type { BillingContext } from '../domain/context.js';
import { generateInvoices, rescheduleInvoice, voidInvoiceOfCancelled } from '../domain/invoice-lifecycle.js';

/**
 * patient-events and appointment-events, as group KAFKA_GROUP_ID. Each handler runs in the
 * consumer's transaction (with the processed_events rows), so a redelivery has no second effect.
 * Each unbroken run of patients created, patients updated or bookings in a batch is one statement; every other event is applied by its
 * handler in its place in the order, so a cancellation or a reschedule never overtakes the
 * booking before it.
 */
export function billingEvents(ctx: BillingContext, logger: EventLogger): EventsInRuns {
  return consumeInRuns(
    {
      AppointmentRescheduled: ({ data, requestId }, tx) => rescheduleInvoice(ctx, tx, data, requestId),
      AppointmentCancelled: async ({ id, data, requestId }, tx) => {
        const outcome = await voidInvoiceOfCancelled(ctx, tx, data, requestId);
        const context = { eventId: id, appointmentId: data.appointmentId, invoiceId: outcome.invoice.id };
        if (outcome.kind === 'paid') {
          logger.warn(context, 'cancelled appointment has a PAID invoice: left PAID, a refund is up to staff');
        } else if (outcome.kind === 'voided-before-generated') {
          logger.info(context, 'appointment cancelled before its booking reached billing: recorded a VOID invoice');
        }
      },
    },
    [
      // The same statement as CreateBillingAccount: whichever comes second creates nothing.
      runEffect({
        types: ['PatientCreated'],
        apply: (run, tx) =>
          ensureAccounts(tx, run.map(({ data, requestId }) => ({ account: { patientId: data.patientId, name: data.name, email: data.email }, requestId }))),
      }),
      runEffect({
        types: ['PatientUpdated'],
        apply: (run, tx) => followPatientContacts(tx, run.map(({ data }) => ({ patientId: data.patientId, name: data.name, email: data.email }))),
      }),
      runEffect({
        types: ['AppointmentBooked'],
        apply: (run, tx) => generateInvoices(ctx, tx, run.map(({ data, requestId }) => ({ appointment: data, requestId }))),
      }),
    ],
  );
}
