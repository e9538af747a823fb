import type { ListenMeta } from 'postgres';
import { backoff, delay } from '../retry.js';
import type { DatabaseHandle } from './database.js';

export interface LoopLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface NotifiedLoopOptions {
  handle: DatabaseHandle;
  /** The channel a trigger NOTIFYs (at commit) when there is new work. */
  channel: string;
  /** Names the loop in its log lines, e.g. 'outbox relay'. */
  name: string;
  logger: LoopLogger;
  /** Fallback for missed notifications (LISTEN connection down) and work that comes due later. */
  pollIntervalMs: number;
  /** Backoff while rounds fail (jittered, see `backoff`). */
  retry: { initialDelayMs: number; maxDelayMs: number };
  /** One round of work: true when more is waiting, so the next round starts at once. Throwing backs off. */
  work(): Promise<boolean>;
  /** The warning logged when a round fails (default: `<name>: round failed, retrying`). */
  failureMessage?: string;
}

export interface NotifiedLoop {
  /** Runs a round soon (this process made work, or capacity freed up); a backoff is not cut short. */
  wake(): void;
  /** Stops after the current round and ends the LISTEN. */
  stop(): Promise<void>;
}

/**
 * A worker loop over a table: a round runs when the table's trigger NOTIFYs (the writer's
 * transaction has committed, so the work is visible), when `wake()` is called, or every
 * pollIntervalMs as a fallback. A failed round backs off instead of spinning. The outbox relay
 * and notification's delivery worker run on it.
 */
export function startNotifiedLoop(options: NotifiedLoopOptions): NotifiedLoop {
  const { handle, channel, name, logger, pollIntervalMs, retry, work } = options;
  const stopping = new AbortController();
  let listener: Promise<ListenMeta | undefined> | undefined;
  let dirty = true;
  let backingOff = false;
  let interrupt: (() => void) | undefined;

  const wake = () => {
    dirty = true;
    if (!backingOff) interrupt?.();
  };

  // postgres.js re-runs onlisten after reconnecting: catch up on what was missed meanwhile.
  const listen = () => {
    listener ??= handle.sql.listen(channel, wake, wake).catch((error: unknown) => {
      logger.warn({ err: error }, `${name}: LISTEN failed, polling until it works`);
      listener = undefined;
      return undefined;
    });
  };

  async function loop(): Promise<void> {
    let failures = 0;
    while (!stopping.signal.aborted) {
      listen();
      dirty = false;
      try {
        const more = await work();
        if (failures > 0) logger.info({ failures }, `${name}: working again`);
        failures = 0;
        if (more) continue;
      } catch (error) {
        failures += 1;
        const retryInMs = backoff(failures, retry.initialDelayMs, retry.maxDelayMs);
        logger.warn({ err: error, failures, retryInMs }, options.failureMessage ?? `${name}: round failed, retrying`);
        backingOff = true;
        await delay(retryInMs, stopping.signal);
        backingOff = false;
        continue;
      }
      if (dirty) continue;
      const cut = new AbortController();
      interrupt = () => cut.abort();
      await delay(pollIntervalMs, AbortSignal.any([stopping.signal, cut.signal]));
      interrupt = undefined;
    }
  }

  const looping = loop().catch((error: unknown) => logger.error({ err: error }, `${name} stopped unexpectedly`));

  return {
    wake,
    async stop() {
      stopping.abort();
      await looping;
      await (await listener)?.unlisten().catch(() => undefined);
    },
  };
}
