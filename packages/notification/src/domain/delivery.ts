import { backoff, delay } from '@pms/platform/domain';
import { claimDue, markFailed, markSent, type Executor } from '../db/notifications.js';
import type { NotificationRow } from '../db/schema.js';
import type { Channels } from './channels.js';

export interface DeliveryPolicy {
  maxAttempts: number;
  /** First retry delay; doubles per attempt up to maxDelayMs. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** Messages sent in parallel. */
  concurrency: number;
  /** How long a claim lasts; far longer than the transports' own timeouts. */
  leaseMs: number;
}

export interface DeliveryLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Claims up to `limit` due messages (counting the attempt) for this worker to send. */
export const claimMessages = (db: Executor, policy: DeliveryPolicy, limit: number) =>
  claimDue(db, { limit, leaseMs: policy.leaseMs, maxAttempts: policy.maxAttempts });

/** Records that a message went out; resolves once that is written (or given up on, logged). */
export type SentRecorder = (id: string, context: object) => Promise<void>;

/** Sends one claimed message and records the outcome: SENT, or FAILED with the error and the next attempt. */
export async function deliverMessage(
  db: Executor,
  channels: Channels,
  policy: DeliveryPolicy,
  logger: DeliveryLogger,
  recordSent: SentRecorder,
  row: NotificationRow,
): Promise<void> {
  const context = { notificationId: row.id, channel: row.channel, type: row.type, eventId: row.eventId, attempt: row.attempts };
  try {
    await send(channels, row);
  } catch (error) {
    const retryInMs = row.attempts < policy.maxAttempts ? backoff(row.attempts, policy.initialDelayMs, policy.maxDelayMs) : undefined;
    const reason = describe(error);
    logger.warn({ ...context, reason, retryInMs }, retryInMs === undefined ? 'notification failed, giving up' : 'notification failed, will retry');
    await markFailed(db, row.id, reason, retryInMs);
    return;
  }
  await recordSent(row.id, context);
}

function send(channels: Channels, row: NotificationRow): Promise<void> {
  if (row.channel === 'SMS') return channels.sms.send({ to: row.recipient, text: row.bodyText, messageId: row.id });
  return channels.email.send({
    to: row.recipient,
    subject: row.subject ?? '',
    text: row.bodyText,
    html: row.bodyHtml ?? undefined,
    messageId: row.id,
  });
}

/**
 * Records sends in batches: the first send is written at once; the ones that finish while that
 * write runs go together in the next. A send costs one UPDATE per batch, not one each, and a
 * quiet worker waits for nothing. The message is out: if recording fails, its lease would expire
 * and send it again, so a short database hiccup is retried here before giving up.
 */
export function batchedSentRecorder(db: Executor, logger: DeliveryLogger, retry: { initialDelayMs: number; signal?: AbortSignal } = { initialDelayMs: 500 }): SentRecorder {
  let waiting: Array<{ id: string; context: object; done: () => void }> = [];
  let writing = false;

  const write = async (batch: typeof waiting) => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await markSent(db, batch.map((sent) => sent.id));
        for (const sent of batch) logger.info(sent.context, 'notification sent');
        return;
      } catch (error) {
        if (attempt >= 5) {
          for (const sent of batch) logger.error({ ...sent.context, err: error }, 'notification sent but not recorded; it may be sent again');
          return;
        }
        // Stopping cuts the waits short: the attempts left go at once.
        await delay(backoff(attempt, retry.initialDelayMs, 10 * retry.initialDelayMs), retry.signal);
      }
    }
  };

  const drain = async () => {
    writing = true;
    while (waiting.length > 0) {
      const batch = waiting;
      waiting = [];
      await write(batch);
      for (const sent of batch) sent.done();
    }
    writing = false;
  };

  return (id, context) =>
    new Promise<void>((done) => {
      waiting.push({ id, context, done });
      if (!writing) void drain();
    });
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.slice(0, 1_000) || 'unknown error';
}
