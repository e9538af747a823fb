import { startSystem, type RunningSystem } from '@pms/devstack';
import { kafkaBrokers, smtpSettings } from '@pms/devstack/testing';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';

export interface TestSystem {
  system: RunningSystem;
  /** Every line the services printed, as `<service> | <line>`. */
  serviceLog: string[];
  /** Stops the system and prints the services' last errors, if any (a failing suite's first clue). */
  stop(): Promise<void>;
}

/**
 * The whole system as `npm start` runs it (one process per service, from dist), on the stack of
 * vitest's global setup, with a data folder and databases of its own, every service ready.
 * `name` tells them apart.
 */
export async function startTestSystem(name: string, env: Record<string, string> = {}): Promise<TestSystem> {
  const serviceLog: string[] = [];
  const system = await startSystem({
    stack: {
      databaseUrl: inject('databaseUrl'),
      kafkaBrokers: kafkaBrokers(),
      smtp: smtpSettings(),
    },
    dataDir: mkdtempSync(join(tmpdir(), `pms-${name}-`)),
    databasePrefix: `${name}_${Date.now().toString(36)}_`,
    ports: 'random',
    runFrom: 'dist',
    env: { LOG_LEVEL: 'warn', SEED_DEMO_DATA: 'false', ...env },
    onLine: (service, line) => serviceLog.push(`${service} | ${line}`),
  });
  // Live is not ready: a service still connecting to PostgreSQL or Kafka answers 503, and an
  // event published before its consumer joined is read only after the group settles.
  await system.ready().catch(async (error: unknown) => {
    await system.stop();
    throw error;
  });
  return {
    system,
    serviceLog,
    async stop() {
      await system.stop();
      const problems = serviceLog.filter((line) => /"level":(50|60)/.test(line));
      if (problems.length) console.error(problems.slice(-20).join('\n'));
    },
  };
}
