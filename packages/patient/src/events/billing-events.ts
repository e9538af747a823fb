import { consumeInRuns, runEffect } from '@pms/platform';
import { activateBilling } from '../domain/patients.js';

/**
 * billing-events: only BillingAccountCreated matters here (billingStatus PENDING → ACTIVE); every
 * account a batch opened activates its patient in one statement.
 */
export const billingEvents = consumeInRuns({}, [
  runEffect({ types: ['BillingAccountCreated'], apply: (run, tx) => activateBilling(tx, run.map((event) => event.data.patientId)) }),
]);
