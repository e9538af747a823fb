import type { Database } from '../db/database.js';
import type { BillingAccounts, DomainLogger } from './billing.js';
import type { AppointmentMerges } from './merge-ports.js';

/** What patient's use cases work with, built once by buildApp: `(ctx, actor, …)` like every service. */
export interface PatientContext {
  db: Database;
  billing: BillingAccounts;
  appointments: AppointmentMerges;
  log: DomainLogger;
}
