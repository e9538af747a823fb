import { ConfigError } from '@pms/platform';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';

const required = { DATABASE_URL: 'postgres://localhost/notification', KAFKA_BROKERS: 'localhost:9092' };

describe('notification config', () => {
  it('defaults to the design’s port, a local SMTP sink, the log SMS transport and bounded retries', () => {
    const config = loadConfig(required);
    expect(config).toMatchObject({
      PORT: 8086,
      KAFKA_GROUP_ID: 'notification',
      SMTP_HOST: 'localhost',
      SMTP_PORT: 1025,
      SMTP_SECURE: false,
      SMTP_FROM: 'PMS Clinic <no-reply@pms.local>',
      NOTIFICATION_MAX_ATTEMPTS: 10,
      NOTIFICATION_RETRY_INITIAL_MS: 10_000,
      NOTIFICATION_RETRY_MAX_MS: 3_600_000,
      NOTIFICATION_CONCURRENCY: 16,
    });
    expect(config.SMS_WEBHOOK_URL).toBeUndefined();
  });

  it('names every bad variable at once', () => {
    const attempt = () =>
      loadConfig({ KAFKA_BROKERS: 'x:1', SMTP_PORT: 'smtp', SMS_WEBHOOK_URL: 'ftp://sms', NOTIFICATION_MAX_ATTEMPTS: '0', SMTP_USER: 'clinic' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/DATABASE_URL[\s\S]*SMTP_PORT[\s\S]*SMS_WEBHOOK_URL[\s\S]*NOTIFICATION_MAX_ATTEMPTS/);
    expect(() => loadConfig({ ...required, SMTP_USER: 'clinic' })).toThrow(/SMTP_PASSWORD: set SMTP_USER and SMTP_PASSWORD together/);
  });
});
