import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';

// The handle types on their own: events/migrate.ts needs them, and database.ts needs it.
export type Database = PostgresJsDatabase<Record<string, never>>;
/** A transaction handle as passed to `db.transaction(async (tx) => …)`. */
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];
/** Either the database or a transaction: repositories accept both. */
export type Executor = Database | Transaction;
