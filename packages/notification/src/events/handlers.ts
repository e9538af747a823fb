import type { TypedEvent } from '@pms/contracts';
import type { EventHandlers, Transaction } from '@pms/platform';
import { notifyingEventTypes } from '../domain/messages.js';
import { recordEventNotifications } from '../domain/notifications.js';

/** Every notifying event type logs its messages in the consumer's transaction. */
export const notificationHandlers: EventHandlers = Object.fromEntries(
  notifyingEventTypes.map((type) => [type, (event: TypedEvent, tx: Transaction) => recordEventNotifications(tx, event)]),
);
