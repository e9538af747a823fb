import type { ManagedProcess } from './processes.js';

export interface SupervisorOptions {
  /** Delay before the first restart; doubled for every further crash in a row, up to maxDelayMs. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Restarts in a row before giving up: a process that keeps crashing is left down, loudly. */
  maxRestarts?: number;
  /** A run at least this long was not a crash loop: the count starts again. */
  stableAfterMs?: number;
  /** Where restarts and the giving up are reported (the launcher prefixes the service's name). */
  log?: (message: string) => void;
}

export interface SupervisedProcess extends ManagedProcess {
  /** How many times it was started again after an exit nobody asked for. */
  readonly restarts: number;
  /** Resolves when supervision ends: 'stopped' after stop(), 'gave-up' after too many crashes. */
  readonly done: Promise<'stopped' | 'gave-up'>;
}

export const defaultSupervision: Required<Omit<SupervisorOptions, 'log'>> = {
  initialDelayMs: 500,
  maxDelayMs: 10_000,
  maxRestarts: 5,
  stableAfterMs: 30_000,
};

/**
 * Keeps a process running: `start` is called again whenever the process exits without stop()
 * having been called (a crash, a kill -9, an exit of its own), after a growing delay.
 * `pid`, `running` and `recentOutput()` always describe the current incarnation.
 */
export function supervise(start: () => ManagedProcess, options: SupervisorOptions = {}): SupervisedProcess {
  const settings = { ...defaultSupervision, ...options };
  const log = options.log ?? ((message: string) => console.error(message));
  let current = start();
  let previous: ManagedProcess | undefined;
  let startedAt = Date.now();
  let stopping = false;
  let restarts = 0;
  let crashesInRow = 0;
  let restartTimer: NodeJS.Timeout | undefined;
  let settle: (outcome: { how: 'stopped' | 'gave-up'; code: number | string }) => void = () => {};
  const finished = new Promise<{ how: 'stopped' | 'gave-up'; code: number | string }>((resolve) => (settle = resolve));

  const watch = async (child: ManagedProcess) => {
    const code = await child.exited;
    if (stopping) return settle({ how: 'stopped', code });
    const ranMs = Date.now() - startedAt;
    crashesInRow = ranMs >= settings.stableAfterMs ? 1 : crashesInRow + 1;
    if (crashesInRow > settings.maxRestarts) {
      log(
        `!!! ${child.name} exited (${code}) ${crashesInRow} times in a row, each within ${settings.stableAfterMs} ms of starting: ` +
          `giving up, it stays DOWN until the next start. Its last output:\n${child.recentOutput()}`,
      );
      return settle({ how: 'gave-up', code });
    }
    const delayMs = Math.min(settings.initialDelayMs * 2 ** (crashesInRow - 1), settings.maxDelayMs);
    log(`${child.name} exited (${code}) after ${ranMs} ms; restarting in ${delayMs} ms (restart ${crashesInRow} of at most ${settings.maxRestarts} in a row)`);
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      if (stopping) return settle({ how: 'stopped', code });
      previous = current;
      current = start();
      startedAt = Date.now();
      restarts++;
      void watch(current);
    }, delayMs);
  };
  void watch(current);

  return {
    get name() {
      return current.name;
    },
    get pid() {
      return current.pid;
    },
    // Waiting for a restart counts as running: only stop() and giving up end it.
    get running() {
      return current.running || restartTimer !== undefined;
    },
    get restarts() {
      return restarts;
    },
    exited: finished.then(({ code }) => code),
    done: finished.then(({ how }) => how),
    // Right after a restart, what the crashed one said is the more useful.
    recentOutput: () => current.recentOutput() || (previous?.recentOutput() ?? ''),
    async stop(timeoutMs?: number) {
      stopping = true;
      if (restartTimer) {
        clearTimeout(restartTimer);
        restartTimer = undefined;
        settle({ how: 'stopped', code: 'stopped' });
      }
      await current.stop(timeoutMs);
      await finished;
    },
  };
}
