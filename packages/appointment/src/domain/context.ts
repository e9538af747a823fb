import type { Database } from '../db/database.js';
import type { Peers } from './ports.js';

/** What every use case runs against; built once by buildApp. */
export interface AppointmentsContext {
  db: Database;
  peers: Peers;
  defaultDurationMinutes: number;
  /** How long a waitlist offer holds before it passes on. */
  waitlistOfferMinutes: number;
  /** The clock policy checks use. */
  now: () => Date;
}
