import type { EventType, TypedEvent } from '@pms/contracts';
import type { Transaction } from '../db/database.js';
import { redirectMergedPatients } from '../db/patient-merges.js';
import type { EventHandler, EventHandlers } from './consumer.js';
import type { EventsInRuns } from './runs.js';

/**
 * A consumer whose handlers see every patient id as redirectMergedPatients maps it: events of a
 * merged duplicate from other topics (not ordered with PatientMerged) are applied to the survivor.
 */
export function followingPatientMerges({ handlers, handleBatch }: EventsInRuns): EventsInRuns {
  const redirected = Object.fromEntries(
    Object.entries(handlers).map(([type, handler]) => [
      type,
      async (event: TypedEvent, tx: Transaction) => {
        const [current] = await redirectMergedPatients(tx, [event]);
        return (handler as EventHandler<EventType>)(current!, tx);
      },
    ]),
  ) as EventHandlers;
  return { handlers: redirected, handleBatch: async (events, tx) => handleBatch(await redirectMergedPatients(tx, events), tx) };
}
