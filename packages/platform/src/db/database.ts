import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { migrateEventTables } from '../events/migrate.js';
import { tracedQuery } from '../tracing/db-spans.js';
import { CONNECTING_GRACE_MS, withQueryTimeout } from './query-timeout.js';
import type { Database } from './types.js';

export type { Database, Executor, Transaction } from './types.js';

export interface DatabaseHandle {
  db: Database;
  /** The underlying postgres.js client (for LISTEN/NOTIFY and health checks). */
  sql: postgres.Sql;
  /**
   * A connection of its own, outside the pool (the pool may be one connection): for a
   * session-level lock held as long as the caller runs, e.g. the outbox relay's leadership.
   */
  dedicatedConnection(): postgres.Sql;
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
  /**
   * How long one query (or a transaction's wait for a connection, or its commit) may take before
   * the caller gets QUERY_TIMEOUT, a 503. The server enforces it as statement_timeout and
   * lock_timeout; the client, a little later, for a server that cannot answer at all.
   */
  queryTimeoutMs?: number;
}

export const DEFAULT_QUERY_TIMEOUT_MS = 1_500;
/** The server's own timeout should win: its error leaves the connection ready for the next query. */
const CLIENT_GRACE_MS = 250;

export async function connectDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  const timeoutMs = options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
  const settings = {
    onnotice: () => {},
    // Startup parameters: every session of the pool has these bounds from its first query on.
    connection: {
      statement_timeout: timeoutMs,
      lock_timeout: timeoutMs,
      // A transaction left open by a client that went away must not hold its locks for long.
      idle_in_transaction_session_timeout: Math.max(10 * timeoutMs, 30_000),
    },
    // A request must get its 503 in seconds when the database is down, not queue behind
    // postgres.js's default reconnect backoff, which grows to 20 s for the whole pool.
    connect_timeout: CONNECTING_GRACE_MS / 1_000,
    backoff: (attempt: number) => Math.min(0.05 * 2 ** attempt, 1),
  };
  const pool = postgres(options.url, { max: options.poolSize ?? 10, ...settings });
  const sql = withQueryTimeout(pool, timeoutMs + CLIENT_GRACE_MS);
  const db = drizzle(preparedByDefault(sql)) as unknown as Database;
  const { migrationsFolder, eventTables } = options;
  if (migrationsFolder || eventTables) {
    // Migrations run on the lock's own session, without the request-path timeouts.
    await withMigrationLock(options.url, async (migrator) => {
      // Event tables first: a service's migration may use what they bring (merge_patient triggers).
      if (eventTables) await migrateEventTables(migrator);
      if (migrationsFolder) await migrate(migrator, { migrationsFolder });
    }).catch(async (error: unknown) => {
      await pool.end({ timeout: 1 });
      throw error;
    });
  }
  // One connection made now, not by the first request: on a loaded machine making it can take
  // longer than a request's bound.
  await pool`select 1`.catch(async (error: unknown) => {
    await pool.end({ timeout: 1 });
    throw error;
  });
  return {
    db,
    sql,
    ping: async () => {
      await sql`select 1`;
    },
    close: () => pool.end({ timeout: 5 }),
    dedicatedConnection: () => postgres(options.url, { max: 1, ...settings, idle_timeout: 0 }),
  };
}

/**
 * drizzle sends a query not built with `.prepare()` unnamed, and postgres.js then asks the
 * server to describe it before executing it: two round trips, each a pair of syscalls. As a
 * named statement postgres.js describes it once per connection (cached by its text) and then
 * runs it in one round trip. Query shapes are few and fixed (lists of values go as one array
 * parameter, not one placeholder each), so the per-connection statement cache stays small.
 * Every statement drizzle sends passes here, so here it gets its span (tracing/db-spans.ts).
 */
function preparedByDefault(client: postgres.Sql): postgres.Sql {
  type Unsafe = postgres.Sql['unsafe'];
  type Scope = (inner: postgres.Sql) => unknown;
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === 'unsafe') {
        return ((query: string, parameters?: unknown[], queryOptions?: postgres.UnsafeQueryOptions) =>
          tracedQuery(query, target.unsafe(query, parameters as never, { ...queryOptions, prepare: true }))) as Unsafe;
      }
      // Transactions and savepoints hand drizzle a client of their own: wrap that one too.
      if (property === 'begin' || property === 'savepoint') {
        const open = Reflect.get(target, property, receiver) as (...args: unknown[]) => unknown;
        return (...args: unknown[]) => {
          const scope = args.pop() as Scope;
          return open.call(target, ...args, (inner: postgres.Sql) => scope(preparedByDefault(inner)));
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
}

/**
 * Replicas starting together would race on the migrations journal; a session-level advisory
 * lock on its own connection (the pool may be one connection) lets one migrate at a time.
 */
async function withMigrationLock(url: string, run: (migrator: Database) => Promise<void>): Promise<void> {
  const lock = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    await lock`select pg_advisory_lock(hashtext('pms:migrations'))`;
    await run(drizzle(lock) as unknown as Database);
  } finally {
    // Closing the session releases the lock.
    await lock.end({ timeout: 5 });
  }
}
