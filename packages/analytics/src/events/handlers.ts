import { eventTypes, type TypedEvent } from '@pms/contracts';
import type { EventHandlers, Transaction } from '@pms/platform';
import { recordEvents } from '../domain/event-store.js';

/** Every event type of every topic goes into the event store. */
export const analyticsHandlers: EventHandlers = Object.fromEntries(
  eventTypes.map((type) => [type, (event: TypedEvent, tx: Transaction) => recordEvents(tx, [event])]),
);

/** A batch's events at once: two multi-row statements instead of two per event. */
export const recordAnalyticsBatch = (events: TypedEvent[], tx: Transaction) => recordEvents(tx, events);
