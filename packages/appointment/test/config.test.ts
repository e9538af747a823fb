import { ConfigError } from '@pms/platform';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';

const minimal = {
  DATABASE_URL: 'postgres://appointment:secret@localhost:5432/appointment',
  KAFKA_BROKERS: 'localhost:9092, localhost:9093',
  AUTH_JWKS_URL: 'http://localhost:4005/auth/.well-known/jwks.json',
};

describe('loadConfig', () => {
  it('fills in the defaults', () => {
    expect(loadConfig(minimal)).toMatchObject({
      PORT: 8084,
      DATABASE_POOL_SIZE: 50,
      KAFKA_BROKERS: ['localhost:9092', 'localhost:9093'],
      PATIENT_GRPC_URL: 'localhost:9080',
      DOCTOR_GRPC_URL: 'localhost:9083',
      GRPC_DEADLINE_MS: 1_000,
      DEFAULT_APPOINTMENT_MINUTES: 30,
    });
  });

  it('names every bad variable at once', () => {
    const attempt = () => loadConfig({ KAFKA_BROKERS: 'localhost:9092', GRPC_DEADLINE_MS: 'soon', DEFAULT_APPOINTMENT_MINUTES: '1' });
    expect(attempt).toThrow(ConfigError);
    const issues = (() => {
      try {
        attempt();
      } catch (error) {
        return (error as ConfigError).issues.map((issue) => issue.split(':')[0]);
      }
    })();
    expect(new Set(issues)).toEqual(new Set(['DATABASE_URL', 'GRPC_DEADLINE_MS', 'DEFAULT_APPOINTMENT_MINUTES']));
  });

  it('needs a source of token keys', () => {
    expect(() => loadConfig({ ...minimal, AUTH_JWKS_URL: undefined })).toThrow(/AUTH_JWKS_URL/);
  });
});
