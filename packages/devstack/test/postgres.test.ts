import { mkdtempSync, realpathSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, ensureDatabase, freePort, startPostgres } from '../src/index.js';
import { nativeDir } from '../src/postgres.js';
import { RELOCATED_ROOT } from '../src/reachable.js';

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

// `npm start` as root from a clone in root's home or a `mktemp -d`: the postgres user cannot
// traverse the clone, so its binaries run from a copy and its cluster is relocated.
describe.runIf(process.getuid?.() === 0)('PostgreSQL started by root from a private directory', () => {
  it('starts, keeps a symlink where the cluster was asked to be, and comes back with its data', { timeout: 120_000 }, async () => {
    const clone = mkdtempSync(join(tmpdir(), 'pms-private-clone-')); // 0700, like /root
    expect(statSync(clone).mode & 0o777).toBe(0o700);
    // The binaries as a clone in that directory would have them.
    symlinkSync(nativeDir(), join(clone, 'native'));
    const dataDir = join(clone, '.data', 'postgres');
    const start = async () =>
      startPostgres({ dataDir, port: await freePort(), ephemeral: true, nativeDir: join(clone, 'native'), logFile: join(clone, '.data', 'postgres.log') });
    let server = await start();
    try {
      expect(server.clusterDir.startsWith(RELOCATED_ROOT)).toBe(true);
      expect(realpathSync(dataDir)).toBe(server.clusterDir);
      const sql = postgres(server.url, { max: 1, onnotice: () => {} });
      await sql`create database kept_between_starts`;
      await sql.end();
      await server.stop();

      server = await start();
      const again = postgres(server.url, { max: 1, onnotice: () => {} });
      const rows = await again`select 1 from pg_database where datname = 'kept_between_starts'`;
      await again.end();
      expect(rows).toHaveLength(1);
    } finally {
      await server.stop();
      rmSync(server.clusterDir, { recursive: true, force: true });
      rmSync(clone, { recursive: true, force: true });
    }
  });
});
