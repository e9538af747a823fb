import { backoff } from '@pms/platform/domain';
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

/** Sends one claimed message and records the outcome: SENT, or FAILED with the error and the next attempt. */
export async function deliverMessage(
  db: Executor,
  channels: Channels,
  policy: DeliveryPolicy,
  logger: DeliveryLogger,
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
  await recordSent(db, row.id, logger, context);
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
 * The message is out: if recording that fails, the lease would expire and send it again,
 * so a short database hiccup is retried here before giving up.
 */
async function recordSent(db: Executor, id: string, logger: DeliveryLogger, context: object): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await markSent(db, id);
      logger.info(context, 'notification sent');
      return;
    } catch (error) {
      if (attempt >= 5) {
        logger.error({ ...context, err: error }, 'notification sent but not recorded; it may be sent again');
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, attempt * 500));
    }
  }
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.slice(0, 1_000) || 'unknown error';
}
