import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';

export type Database = PostgresJsDatabase<Record<string, never>>;
/** A transaction handle as passed to `db.transaction(async (tx) => …)`. */
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];
/** Either the database or a transaction: repositories accept both. */
export type Executor = Database | Transaction;

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
}

export async function connectDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  const sql = postgres(options.url, {
    max: options.poolSize ?? 10,
    onnotice: () => {},
    connect_timeout: 10,
  });
  const db = drizzle(sql) as unknown as Database;
  if (options.migrationsFolder) await migrate(db, { migrationsFolder: options.migrationsFolder });
  return {
    db,
    sql,
    ping: async () => {
      await sql`select 1`;
    },
    close: () => sql.end({ timeout: 5 }),
  };
}
