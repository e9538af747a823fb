import type { SmsMessage, SmsSender } from '../domain/channels.js';

interface Logger {
  info(obj: object, msg?: string): void;
}

/** The default when no SMS gateway is configured: the message is logged, not sent. */
export function createLogSmsSender(logger: Logger): SmsSender {
  return {
    async send(message: SmsMessage) {
      logger.info({ sms: { to: message.to, text: message.text, messageId: message.messageId } }, 'SMS (log transport)');
    },
  };
}

/**
 * Posts `{to, text, messageId}` as JSON to an SMS gateway's webhook. Anything but a 2xx is a
 * failed attempt (retried by the worker); the Idempotency-Key lets the gateway drop repeats.
 */
export function createWebhookSmsSender(url: string, timeoutMs = 10_000): SmsSender {
  return {
    async send(message: SmsMessage) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': message.messageId },
        body: JSON.stringify({ to: message.to, text: message.text, messageId: message.messageId }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) {
        const detail = (await response.text().catch(() => '')).slice(0, 200);
        throw new Error(`SMS webhook answered ${response.status}${detail ? `: ${detail}` : ''}`);
      }
    },
  };
}
