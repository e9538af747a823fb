import nodemailer from 'nodemailer';
import type { EmailMessage, EmailSender } from '../domain/channels.js';

export interface SmtpOptions {
  host: string;
  port: number;
  secure: boolean;
  from: string;
  user?: string;
  password?: string;
  /** Parallel SMTP connections; match the worker's concurrency. */
  maxConnections?: number;
}

export interface SmtpEmailSender extends EmailSender {
  close(): void;
}

/**
 * Email over SMTP with pooled connections. Short timeouts make a dead or stuck server fail the
 * attempt (recorded and retried) in seconds, well inside the worker's claim on the message.
 */
export function createSmtpSender(options: SmtpOptions): SmtpEmailSender {
  const transport = nodemailer.createTransport({
    pool: true,
    maxConnections: options.maxConnections ?? 4,
    // nodemailer closes a pooled connection after 100 messages by default, paying the TCP and
    // EHLO handshake again; a connection stays until it has been idle for socketTimeout instead.
    maxMessages: Infinity,
    host: options.host,
    port: options.port,
    secure: options.secure,
    auth: options.user ? { user: options.user, pass: options.password } : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  const domain = /@([^>\s]+)>?\s*$/.exec(options.from)?.[1] ?? 'pms.local';
  return {
    async send(message: EmailMessage) {
      await transport.sendMail({
        from: options.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        // Stable across retries, so a mail server or reader can recognise a repeat.
        messageId: `<${message.messageId}@${domain}>`,
      });
    },
    close: () => transport.close(),
  };
}
