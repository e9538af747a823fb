import type { EventHandlers } from '@pms/platform';
import { activateBilling } from '../domain/patients.js';

/** billing-events: only BillingAccountCreated matters here (billingStatus PENDING → ACTIVE). */
export const billingEventHandlers: EventHandlers = {
  BillingAccountCreated: async (event, tx) => {
    await activateBilling(tx, event.data.patientId);
  },
};
