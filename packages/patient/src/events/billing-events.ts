import { applyInRuns, runEffect, type EventHandlers } from '@pms/platform';
import { activateBilling } from '../domain/patients.js';

/** billing-events: only BillingAccountCreated matters here (billingStatus PENDING → ACTIVE). */
export const billingEventHandlers: EventHandlers = {
  BillingAccountCreated: (event, tx) => activateBilling(tx, [event.data.patientId]),
};

/** A batch at once: every account opened in it activates its patient in one statement. */
export const applyBillingEvents = applyInRuns(billingEventHandlers, [
  runEffect({ types: ['BillingAccountCreated'], apply: (run, tx) => activateBilling(tx, run.map((event) => event.data.patientId)) }),
]);
