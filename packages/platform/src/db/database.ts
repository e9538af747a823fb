import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { migrateEventTables } from '../events/migrate.js';
import type { Database } from './types.js';

export type { Database, Executor, Transaction } from './types.js';

export interface DatabaseHandle {
  db: Database;
  /** The underlying postgres.js client (for LISTEN/NOTIFY and health checks). */
  sql: postgres.Sql;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  url: string;
  /** Size it for the peak of in-flight queries: postgres.js degrades when queries queue past it. */
  poolSize?: number;
  /** Applied at start when given (drizzle-kit output folder). */
  migrationsFolder?: string;
  /** Also create the platform's `outbox` and `processed_events` (services that publish or consume). */
  eventTables?: boolean;
}

export async function connectDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  const sql = postgres(options.url, {
    max: options.poolSize ?? 10,
    onnotice: () => {},
    // A request must get its 503 in seconds when the database is down, not queue behind
    // postgres.js's default reconnect backoff, which grows to 20 s for the whole pool.
    connect_timeout: 3,
    backoff: (attempt: number) => Math.min(0.05 * 2 ** attempt, 1),
  });
  const db = drizzle(sql) as unknown as Database;
  const { migrationsFolder, eventTables } = options;
  if (migrationsFolder || eventTables) {
    await withMigrationLock(options.url, async () => {
      if (migrationsFolder) await migrate(db, { migrationsFolder });
      if (eventTables) await migrateEventTables(db);
    }).catch(async (error: unknown) => {
      await sql.end({ timeout: 1 });
      throw error;
    });
  }
  return {
    db,
    sql,
    ping: async () => {
      await sql`select 1`;
    },
    close: () => sql.end({ timeout: 5 }),
  };
}

/**
 * Replicas starting together would race on the migrations journal; a session-level advisory
 * lock on its own connection (the pool may be one connection) lets one migrate at a time.
 */
async function withMigrationLock(url: string, run: () => Promise<void>): Promise<void> {
  const lock = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    await lock`select pg_advisory_lock(hashtext('pms:migrations'))`;
    await run();
  } finally {
    // Closing the session releases the lock.
    await lock.end({ timeout: 5 });
  }
}
