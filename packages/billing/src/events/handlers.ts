import { consumeInRuns, followingPatientMerges, runEffect, type EventLogger, type EventsInRuns } from '@pms/platform';
import { moveBilling } from '../db/patient-merges.js';
import { ensureAccounts, followPatientContacts } from '../domain/accounts.js';
import type { BillingContext } from '../domain/context.js';
import { generateInvoices, rescheduleInvoice, voidInvoicesOfCancelled } from '../domain/invoice-lifecycle.js';

/**
 * patient-events and appointment-events, as group KAFKA_GROUP_ID. Each handler runs in the
 * consumer's transaction (with the processed_events rows), so a redelivery has no second effect.
 * Each unbroken run of patients created, patients updated, bookings or cancellations in a batch is one or two statements; every other event is applied by its
 * handler in its place in the order, so a cancellation or a reschedule never overtakes the
 * booking before it. Events of a merged duplicate that arrive after its PatientMerged (other
 * topics are not ordered with it) are applied to the survivor (followingPatientMerges).
 */
export function billingEvents(ctx: BillingContext, logger: EventLogger): EventsInRuns {
  const consumer = consumeInRuns(
    {
      AppointmentRescheduled: ({ data, requestId }, tx) => rescheduleInvoice(ctx, tx, data, requestId),
      PatientMerged: ({ data }, tx) => moveBilling(tx, data),
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
        types: ['AppointmentCancelled'],
        apply: async (run, tx) => {
          const outcomes = await voidInvoicesOfCancelled(ctx, tx, run.map(({ data, requestId }) => ({ cancelled: data, requestId })));
          for (const outcome of outcomes) {
            const context = { appointmentId: outcome.invoice.appointmentId, invoiceId: outcome.invoice.id };
            if (outcome.kind === 'paid') {
              logger.warn(context, 'cancelled appointment has a PAID invoice: left PAID, a refund is up to staff');
            } else if (outcome.kind === 'voided-before-generated') {
              logger.info(context, 'appointment cancelled before its booking reached billing: recorded a VOID invoice');
            }
          }
        },
      }),
      runEffect({
        types: ['AppointmentBooked'],
        apply: (run, tx) => generateInvoices(ctx, tx, run.map(({ data, requestId }) => ({ appointment: data, requestId }))),
      }),
    ],
  );
  return followingPatientMerges(consumer);
}
