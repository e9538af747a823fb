import type { Database } from '../db/database.js';

/** What every use case runs against; built once by buildApp. */
export interface DoctorContext {
  db: Database;
  /** The clock free slots are counted from. */
  now: () => Date;
}
