import { startNotifiedLoop, type DatabaseHandle } from '@pms/platform';
import type { NotificationRow } from '../db/schema.js';
import type { Channels } from '../domain/channels.js';
import { batchedSentRecorder, claimMessages, deliverMessage, type DeliveryLogger, type DeliveryPolicy } from '../domain/delivery.js';

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

/**
 * Sends the notification log's due messages, up to `policy.concurrency` at a time. New rows
 * wake it at commit through the table's NOTIFY trigger on channel `notifications` (the
 * consumer's transaction belongs to the platform, so only the database knows when it commits);
 * a poll catches due retries.
 */
export function startDeliveryWorker(options: DeliveryWorkerOptions): DeliveryWorker {
  const { handle, channels, policy, logger } = options;
  const inFlight = new Set<Promise<void>>();
  const stopping = new AbortController();
  const recordSent = batchedSentRecorder(handle.db, logger, { initialDelayMs: 500, signal: stopping.signal });

  const start = (row: NotificationRow) => {
    const sending = deliverMessage(handle.db, channels, policy, logger, recordSent, row)
      .catch((error: unknown) => logger.error({ err: error, notificationId: row.id }, 'delivery worker: recording the outcome failed'))
      .finally(() => {
        inFlight.delete(sending);
        // Refill once half the slots are free: a backlog is claimed several at a time, not one
        // claim per finished message (the last one to finish always wakes it).
        if (inFlight.size <= Math.floor(policy.concurrency / 2)) loop.wake();
      });
    inFlight.add(sending);
  };

  const loop = startNotifiedLoop({
    handle,
    channel: 'notifications',
    name: 'delivery worker',
    logger,
    pollIntervalMs: options.pollIntervalMs,
    retry: { initialDelayMs: 250, maxDelayMs: 10_000 },
    failureMessage: 'delivery worker: cannot claim messages, retrying',
    async work() {
      const free = policy.concurrency - inFlight.size;
      if (free <= 0) return false;
      const rows = await claimMessages(handle.db, policy, free);
      rows.forEach(start);
      return rows.length === free; // more may be due
    },
  });

  return {
    wake: loop.wake,
    async stop() {
      await loop.stop();
      stopping.abort();
      await Promise.all(inFlight);
    },
  };
}
