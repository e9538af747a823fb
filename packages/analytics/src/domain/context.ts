import type { Executor } from '../db/event-store.js';

/** What analytics' use cases work with, built once by buildApp: `(ctx, actor, …)` like every service. */
export interface AnalyticsContext {
  db: Executor;
}
