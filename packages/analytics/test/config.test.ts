import { ConfigError } from '@pms/platform';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';

describe('analytics config', () => {
  it('defaults to the design’s port and its own consumer group', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://localhost/analytics', KAFKA_BROKERS: 'a:9092, b:9092' })).toMatchObject({
      PORT: 8082,
      KAFKA_GROUP_ID: 'analytics',
      KAFKA_BROKERS: ['a:9092', 'b:9092'],
    });
  });

  it('names every bad variable at once', () => {
    const attempt = () => loadConfig({ DATABASE_URL: 'mysql://localhost/analytics', PORT: '70000' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/PORT[\s\S]*DATABASE_URL[\s\S]*KAFKA_BROKERS/);
  });
});
