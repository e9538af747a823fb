import { eventTypes, type TypedEvent } from '@pms/contracts';
import type { EventHandlers, Transaction } from '@pms/platform';
import { recordEvent } from '../domain/event-store.js';

/** Every event type of every topic goes into the event store. */
export const analyticsHandlers: EventHandlers = Object.fromEntries(
  eventTypes.map((type) => [type, (event: TypedEvent, tx: Transaction) => recordEvent(tx, event)]),
);
