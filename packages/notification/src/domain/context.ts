import type { Executor } from '../db/notifications.js';

/** What notification's use cases work with, built once by buildApp: `(ctx, actor, …)` like every service. */
export interface NotificationContext {
  db: Executor;
  /** Tells the delivery worker a message is waiting (after its insert committed). */
  wakeDelivery(): void;
}
