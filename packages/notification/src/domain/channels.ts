/** What the delivery worker needs from the outside world; implemented in src/transports. */

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Same id on every attempt of one message, so a receiving system can spot a repeat. */
  messageId: string;
}

export interface EmailSender {
  send(message: EmailMessage): Promise<void>;
}

export interface SmsMessage {
  to: string;
  text: string;
  /** Same id on every attempt of one message (idempotency key for the SMS gateway). */
  messageId: string;
}

export interface SmsSender {
  send(message: SmsMessage): Promise<void>;
}

export interface Channels {
  email: EmailSender;
  sms: SmsSender;
}
