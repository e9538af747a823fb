import { ConfigError } from '@pms/platform';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';

const required = { DATABASE_URL: 'postgres://localhost/billing', KAFKA_BROKERS: 'localhost:9092' };

describe('billing config', () => {
  it('defaults to EUR, 14 days, the ports of the design and the built-in fee table', () => {
    const config = loadConfig(required);
    expect(config).toMatchObject({
      PORT: 8081,
      GRPC_PORT: 9081,
      KAFKA_GROUP_ID: 'billing',
      PATIENT_GRPC_URL: 'localhost:9080',
      BILLING_CURRENCY: 'EUR',
      INVOICE_DUE_DAYS: 14,
    });
    expect(config.BILLING_FEES).toMatchObject({ GENERAL_PRACTICE: 6_000, CARDIOLOGY: 12_000 });
  });

  it('takes fee overrides per specialty and keeps the rest', () => {
    const config = loadConfig({ ...required, BILLING_FEES: 'cardiology=15000, PEDIATRICS=0', BILLING_CURRENCY: 'chf' });
    expect(config.BILLING_FEES).toMatchObject({ CARDIOLOGY: 15_000, PEDIATRICS: 0, NEUROLOGY: 12_500 });
    expect(config.BILLING_CURRENCY).toBe('CHF');
  });

  it('names every bad variable at once', () => {
    const attempt = () => loadConfig({ KAFKA_BROKERS: 'x:1', BILLING_FEES: 'SURGERY=100', BILLING_CURRENCY: 'euro' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/DATABASE_URL[\s\S]*BILLING_CURRENCY[\s\S]*BILLING_FEES.*SURGERY=100/);
  });
});
