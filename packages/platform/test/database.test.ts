import type {} from '../../devstack/src/vitest-provided.js';
import { createTestDatabase } from '@pms/devstack';
import { describe, expect, inject, it } from 'vitest';
import { connectDatabase } from '../src/db/database.js';

const tablesOf = async (url: string) => {
  const handle = await connectDatabase({ url });
  try {
    const rows = await handle.sql<{ table_name: string }[]>`
      select table_name from information_schema.tables where table_schema in ('public', 'drizzle') order by 1`;
    return rows.map((row) => row.table_name);
  } finally {
    await handle.close();
  }
};

describe('migrations', () => {
  it('apply on an empty database, also when two replicas start at once, and again as a no-op', async () => {
    const url = await createTestDatabase(inject('databaseUrl'), 'platform_migrate');
    expect(await tablesOf(url)).toEqual([]);

    const replicas = await Promise.all([1, 2].map(() => connectDatabase({ url, eventTables: true })));
    await Promise.all(replicas.map((replica) => replica.close()));
    expect(await tablesOf(url)).toEqual(expect.arrayContaining(['__platform_migrations', 'outbox', 'processed_events']));

    const again = await connectDatabase({ url, eventTables: true });
    const applied = await again.sql`select count(*)::int as n from drizzle.__platform_migrations`;
    await again.close();
    expect(applied[0]?.n).toBeGreaterThanOrEqual(2);
  });
});
