// CPU time per process group, read from /proc (Linux). A V8 CPU profile samples wall-clock time
// while the thread is not idle, so a process preempted inside a socket write (the woken reader
// takes the core) shows that write as busy; utime + stime count only what actually ran.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { basename, dirname } from 'node:path';

const repositoryRoot = dirname(import.meta.dirname);

export type CpuSnapshot = Map<number, { group: string; ticks: number }>;

// USER_HZ: 100 on every Linux this runs on (getconf CLK_TCK).
const msPerTick = 10;

interface ProcessInfo {
  pid: number;
  parent: number;
  ticks: number;
  command: string[];
  cwd: string;
}

function readProcess(pid: number): ProcessInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return { pid, parent: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]), command, cwd: readlinkSync(`/proc/${pid}/cwd`) };
  } catch {
    return undefined; // ended between listing and reading, or another user's
  }
}

function groupOf({ command }: ProcessInfo): string {
  const program = basename(command[0] ?? '');
  if (program === 'java') return command.some((arg) => arg.includes('zipkin-server')) ? 'zipkin (JVM)' : 'kafka (JVM)';
  if (program.startsWith('postgres')) return 'postgresql';
  const service = command.map((arg) => /packages\/([^/]+)\/(?:dist|src)\/main\.[jt]s$/.exec(arg)?.[1]).find(Boolean);
  if (service) return service;
  // devstack's start process runs the SMTP sink and supervises the services.
  return command.some((arg) => arg.includes('devstack/src/start')) ? 'devstack (SMTP sink)' : 'other';
}

/**
 * utime + stime of the system `npm start` runs (every process under devstack's start process,
 * this checkout's or the only one running) and of the load generator (this process), by group. Other work on
 * the machine (another checkout's tests, say) is left out.
 */
export function cpuSnapshot(benchPid = process.pid): CpuSnapshot {
  const processes = new Map<number, ProcessInfo>();
  for (const entry of readdirSync('/proc')) {
    const info = Number.isInteger(Number(entry)) ? readProcess(Number(entry)) : undefined;
    if (info) processes.set(info.pid, info);
  }
  // The launcher of this checkout, or else the only one running (another checkout's system).
  const launchers = [...processes.values()].filter(
    (info) => basename(info.command[0] ?? '') === 'node' && info.command.some((arg) => arg.endsWith('devstack/src/start.ts')),
  );
  const root = launchers.find((info) => info.cwd === repositoryRoot) ?? (launchers.length === 1 ? launchers[0] : undefined);
  const inSystem = (info: ProcessInfo): boolean => {
    for (let current: ProcessInfo | undefined = info; current; current = processes.get(current.parent)) {
      if (current.pid === root?.pid) return true;
    }
    return false;
  };
  const snapshot: CpuSnapshot = new Map();
  for (const info of processes.values()) {
    if (info.pid === benchPid) snapshot.set(info.pid, { group: 'load generator (bench)', ticks: info.ticks });
    else if (inSystem(info)) snapshot.set(info.pid, { group: groupOf(info), ticks: info.ticks });
  }
  return snapshot;
}

/** CPU milliseconds each group used between two snapshots (a process born meanwhile counts from zero). */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): Record<string, number> {
  const used: Record<string, number> = {};
  for (const [pid, { group, ticks }] of after) {
    const spent = (ticks - (before.get(pid)?.ticks ?? 0)) * msPerTick;
    used[group] = (used[group] ?? 0) + spent;
  }
  return Object.fromEntries(Object.entries(used).sort(([, a], [, b]) => b - a));
}
