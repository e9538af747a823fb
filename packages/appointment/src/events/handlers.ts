import type { EventHandlers } from '@pms/platform';
import { findWaitlistEntry } from '../db/waitlist.js';
import { freedBy, freedByOffer, fulfilEntries, offerSlot } from '../domain/waitlist.js';

/**
 * appointment-events → the waitlist, each in the consumer's transaction with its processed_events
 * row: freed time (a cancellation, the old time of a reschedule, a lapsed offer) is offered to
 * the next fitting entry; a booking fulfils the patient's entries for that doctor.
 */
export function waitlistHandlers(offerMinutes: number): EventHandlers {
  return {
    AppointmentBooked: (event, tx) => fulfilEntries(tx, event.data),
    AppointmentCancelled: (event, tx) => offerSlot(tx, freedBy(event.data), offerMinutes, event.requestId),
    AppointmentRescheduled: async (event, tx) => {
      const { data } = event;
      await fulfilEntries(tx, data);
      await offerSlot(tx, freedBy(data, data.previousStartsAt, data.previousEndsAt), offerMinutes, event.requestId);
    },
    WaitlistOfferExpired: async (event, tx) => {
      const lapsed = await findWaitlistEntry(tx, event.data.entryId);
      await offerSlot(tx, freedByOffer(event.data, lapsed), offerMinutes, event.requestId);
    },
  };
}
