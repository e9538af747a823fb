// Statements per request, by database, from pg_stat_statements (the `npm start` cluster loads it):
// every statement a service sends, BEGIN and COMMIT included, is one round trip to PostgreSQL.
import postgres from 'postgres';

export type StatementCounts = Record<string, number>;

export interface StatementCounter {
  snapshot(): Promise<StatementCounts>;
  close(): Promise<void>;
}

/** Undefined when the cluster does not load pg_stat_statements (an older `.data`, another server). */
export async function connectStatementCounter(url: string): Promise<StatementCounter | undefined> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`create extension if not exists pg_stat_statements`;
    await sql`select 1 from pg_stat_statements limit 1`;
  } catch {
    await sql.end();
    return undefined;
  }
  return {
    async snapshot() {
      const rows = await sql<{ database: string; calls: string }[]>`
        select d.datname as database, sum(s.calls) as calls
        from pg_stat_statements s join pg_database d on d.oid = s.dbid
        where d.datname <> 'postgres' group by d.datname`;
      return Object.fromEntries(rows.map((row) => [row.database, Number(row.calls)]));
    },
    close: () => sql.end(),
  };
}

/** Statements per request in each database between two snapshots (tenths kept: 1.0 means one). */
export function statementsPerRequest(before: StatementCounts, after: StatementCounts, requests: number): Record<string, number> {
  const perRequest: Record<string, number> = {};
  for (const [database, calls] of Object.entries(after)) {
    const share = (calls - (before[database] ?? 0)) / requests;
    if (share >= 0.05) perRequest[database] = Math.round(share * 10) / 10;
  }
  return Object.fromEntries(Object.entries(perRequest).sort(([, a], [, b]) => b - a));
}
