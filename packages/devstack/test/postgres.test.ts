import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, ensureDatabase } from '../src/index.js';

describe('PostgreSQL from the devstack', () => {
  const admin = inject('databaseUrl');
  const clients: postgres.Sql[] = [];
  const connect = (url: string) => {
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    clients.push(sql);
    return sql;
  };
  afterAll(() => Promise.all(clients.map((c) => c.end())));

  it('answers select 1, and never on the system server port', async () => {
    expect(new URL(admin).port).not.toBe(process.env.DATABASE_URL ? '' : '5432');
    const [row] = await connect(admin)`select 1 as one`;
    expect(row?.one).toBe(1);
  });

  it('gives every suite its own database', async () => {
    const [a, b] = await Promise.all([createTestDatabase(admin, 'devstack-A'), createTestDatabase(admin, 'devstack-A')]);
    expect(a).not.toBe(b);
    const sqlA = connect(a);
    const sqlB = connect(b);
    await sqlA`create table only_in_a (id int)`;
    const [inA] = await sqlA`select to_regclass('only_in_a') as t`;
    const [inB] = await sqlB`select to_regclass('only_in_a') as t`;
    expect(inA?.t).toBe('only_in_a');
    expect(inB?.t).toBeNull();
  });

  it('ensureDatabase is idempotent, also when racing', async () => {
    const name = `ensure_${Date.now()}`;
    const urls = await Promise.all([ensureDatabase(admin, name), ensureDatabase(admin, name), ensureDatabase(admin, name)]);
    expect(new Set(urls).size).toBe(1);
    const [row] = await connect(urls[0]!)`select current_database() as db`;
    expect(row?.db).toBe(name);
  });
});
