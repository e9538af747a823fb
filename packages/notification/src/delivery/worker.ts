import type { DatabaseHandle } from '@pms/platform';
import type { NotificationRow } from '../db/schema.js';
import type { Channels } from '../domain/channels.js';
import { claimMessages, deliverMessage, type DeliveryLogger, type DeliveryPolicy } from '../domain/delivery.js';

export interface DeliveryWorkerOptions {
  handle: DatabaseHandle;
  channels: Channels;
  policy: DeliveryPolicy;
  logger: DeliveryLogger;
  /** Fallback for due retries and missed wake-ups. */
  pollIntervalMs: number;
}

export interface DeliveryWorker {
  /** Look for due messages now (after this process committed a new one). */
  wake(): void;
  /** Stops claiming, waits for the messages being sent. */
  stop(): Promise<void>;
}

/** The channel the notifications table's insert trigger notifies at commit. */
const channelName = 'notifications';

/**
 * Sends the notification log's due messages, up to `policy.concurrency` at a time. New rows
 * wake it at commit through the table's NOTIFY trigger (the consumer's transaction belongs to
 * the platform, so only the database knows when it commits); a poll catches due retries.
 */
export function startDeliveryWorker(options: DeliveryWorkerOptions): DeliveryWorker {
  const { handle, channels, policy, logger } = options;
  const stopping = new AbortController();
  const inFlight = new Set<Promise<void>>();
  let listener: Promise<Awaited<ReturnType<DatabaseHandle['sql']['listen']>> | undefined> | undefined;
  let dirty = true;
  let interrupt: (() => void) | undefined;

  const wake = () => {
    dirty = true;
    interrupt?.();
  };

  // postgres.js re-runs the onlisten callback after a reconnect: catch up on what was missed.
  const listen = () => {
    listener ??= handle.sql.listen(channelName, wake, wake).catch((error: unknown) => {
      logger.warn({ err: error }, 'delivery worker: LISTEN failed, polling until it works');
      listener = undefined;
      return undefined;
    });
  };

  const start = (row: NotificationRow) => {
    const sending = deliverMessage(handle.db, channels, policy, logger, row)
      .catch((error: unknown) => logger.error({ err: error, notificationId: row.id }, 'delivery worker: recording the outcome failed'))
      .finally(() => {
        inFlight.delete(sending);
        wake(); // a slot is free
      });
    inFlight.add(sending);
  };

  const pause = async (ms: number) => {
    const cut = new AbortController();
    interrupt = () => cut.abort();
    if (!dirty) await sleep(ms, AbortSignal.any([stopping.signal, cut.signal]));
    interrupt = undefined;
  };

  async function loop(): Promise<void> {
    let failures = 0;
    while (!stopping.signal.aborted) {
      listen();
      dirty = false;
      const free = policy.concurrency - inFlight.size;
      if (free > 0) {
        try {
          const rows = await claimMessages(handle.db, policy, free);
          failures = 0;
          rows.forEach(start);
          if (rows.length === free) continue; // more may be due
        } catch (error) {
          failures += 1;
          const retryInMs = Math.min(10_000, 250 * 2 ** failures);
          logger.warn({ err: error, failures, retryInMs }, 'delivery worker: cannot claim messages, retrying');
          await sleep(retryInMs, stopping.signal);
          continue;
        }
      }
      await pause(options.pollIntervalMs);
    }
  }

  const looping = loop().catch((error: unknown) => logger.error({ err: error }, 'delivery worker stopped unexpectedly'));

  return {
    wake,
    async stop() {
      stopping.abort();
      await looping;
      await Promise.all(inFlight);
      await (await listener)?.unlisten().catch(() => undefined);
    },
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
