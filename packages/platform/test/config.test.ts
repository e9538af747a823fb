import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { ConfigError, envFragments, parseConfig } from '../src/index.js';

const schema = z.object({
  ...envFragments.base,
  ...envFragments.http(8080),
  ...envFragments.database,
  ...envFragments.kafka,
});

describe('parseConfig', () => {
  it('applies defaults and parses lists', () => {
    const config = parseConfig(schema, { DATABASE_URL: 'postgres://u@h:5432/db', KAFKA_BROKERS: 'a:9092, b:9092' });
    expect(config).toMatchObject({ PORT: 8080, LOG_LEVEL: 'info', KAFKA_BROKERS: ['a:9092', 'b:9092'] });
  });

  it('fails naming every bad variable, not just the first', () => {
    const parse = () => parseConfig(schema, { PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
    expect(parse).toThrow(ConfigError);
    try {
      parse();
    } catch (error) {
      const message = (error as ConfigError).message;
      for (const name of ['PORT', 'DATABASE_URL', 'LOG_LEVEL', 'KAFKA_BROKERS']) expect(message).toContain(name);
      expect((error as ConfigError).issues).toHaveLength(4);
    }
  });
});
