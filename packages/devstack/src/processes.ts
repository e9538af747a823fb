import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { setPriority } from 'node:os';
import { dirname } from 'node:path';

export interface SpawnOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
  /** stdout and stderr are appended here; they never reach our console. */
  logFile?: string;
  /** How stop() (and our own exit) asks the process to end; postgres wants SIGINT (fast shutdown). */
  stopSignal?: NodeJS.Signals;
  /** Called with every complete line the process prints (the launcher prefixes and echoes them). */
  onLine?: (line: string) => void;
  /** A nice value (0-19): a process whose work can wait yields the cores to the request path. */
  niceness?: number;
}

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  /** Resolves with the exit code (or the signal name) once the process is gone. */
  readonly exited: Promise<number | string>;
  readonly running: boolean;
  /** The last lines it printed, for error messages. */
  recentOutput(): string;
  /** Signals the process and waits until it has exited; SIGKILL after timeoutMs. */
  stop(timeoutMs?: number): Promise<void>;
}

const live = new Set<{ child: ChildProcess; signal: NodeJS.Signals }>();

// Linux's parent-death signal also covers a parent killed with SIGKILL, which no handler sees.
const SETPRIV = '/usr/bin/setpriv';
const hasSetpriv = process.platform === 'linux' && existsSync(SETPRIV);

export function spawnManaged(name: string, command: string, args: string[], options: SpawnOptions = {}): ManagedProcess {
  installExitHandlers();
  const signal = options.stopSignal ?? 'SIGTERM';
  const [cmd, argv] = hasSetpriv ? [SETPRIV, ['--pdeathsig', signal, '--', command, ...args]] : [command, args];
  const child = spawn(cmd, argv, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    uid: options.uid,
    gid: options.gid,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: a Ctrl-C in the terminal reaches only us, and we stop the
    // children in order (services before the database and broker they still use).
    detached: true,
  });
  const entry = { child, signal };
  live.add(entry);
  if (options.niceness && child.pid) {
    try {
      setPriority(child.pid, options.niceness);
    } catch {
      // Not permitted here: the process runs at the launcher's priority, which only costs latency.
    }
  }

  const tail: string[] = [];
  let log: ReturnType<typeof createWriteStream> | undefined;
  if (options.logFile) {
    mkdirSync(dirname(options.logFile), { recursive: true });
    log = createWriteStream(options.logFile, { flags: 'a' });
  }
  const partial = { stdout: '', stderr: '' };
  const emitLines = (stream: keyof typeof partial, chunk: Buffer) => {
    if (!options.onLine) return;
    const lines = (partial[stream] + chunk.toString('utf8')).split('\n');
    partial[stream] = lines.pop() ?? '';
    for (const line of lines) options.onLine(line);
  };
  const collect = (chunk: Buffer) => {
    log?.write(chunk);
    tail.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    tail.splice(0, Math.max(0, tail.length - 40));
  };
  child.stdout?.on('data', (chunk: Buffer) => {
    collect(chunk);
    emitLines('stdout', chunk);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    collect(chunk);
    emitLines('stderr', chunk);
  });

  let running = true;
  const exited = new Promise<number | string>((resolve) => {
    const done = (code: number | string) => {
      if (!running) return;
      running = false;
      live.delete(entry);
      log?.end();
      resolve(code);
    };
    child.once('exit', (code, sig) => done(code ?? sig ?? 'unknown'));
    // A failed spawn (ENOENT, EACCES) emits 'error' and never 'exit'.
    child.once('error', (err) => {
      tail.push(String(err));
      done(`error: ${err.message}`);
    });
  });

  return {
    name,
    pid: child.pid ?? -1,
    exited,
    get running() {
      return running;
    },
    recentOutput: () => tail.join('\n'),
    async stop(timeoutMs = 30_000) {
      if (!running) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

let installed = false;

function installExitHandlers(): void {
  if (installed) return;
  installed = true;
  // 'exit' also fires after an uncaught exception or rejection; only synchronous work is possible here.
  process.on('exit', () => {
    for (const { child, signal } of live) child.kill(signal);
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = async () => {
      // Another listener (the launcher, vitest) owns the shutdown and its order; the 'exit'
      // handler above still kills whatever it leaves.
      if (process.listenerCount(sig) > 1) return;
      const waiting = [...live].map(({ child, signal }) => {
        child.kill(signal);
        return new Promise((resolve) => child.once('exit', resolve));
      });
      // Otherwise keep the default of dying by the signal, once the children have gone.
      await Promise.race([Promise.all(waiting), new Promise((r) => setTimeout(r, 15_000).unref())]);
      process.removeListener(sig, onSignal);
      process.kill(process.pid, sig);
    };
    process.on(sig, onSignal);
  }
}

/** True while a process with this pid exists (zombies included). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
