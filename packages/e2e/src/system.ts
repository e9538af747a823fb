import { startSystem, withDatabase, type RunningSystem, type ServiceName, type StartSystemOptions } from '@pms/devstack';
import { kafkaBrokers, smtpSettings } from '@pms/devstack/testing';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { inject } from 'vitest';

export interface TestSystem {
  system: RunningSystem;
  /** Every line the services printed, as `<service> | <line>`. */
  serviceLog: string[];
  /** A connection to each service database asked for with `databases`, to look at what the services wrote. */
  databases: Partial<Record<ServiceName, postgres.Sql>>;
  /** Stops the system and prints the services' last errors, if any (a failing suite's first clue). */
  stop(): Promise<void>;
}

export interface TestSystemOptions extends Pick<StartSystemOptions, 'replicas' | 'balanced'> {
  /** Services whose database the test reads directly (one connection each). */
  databases?: readonly ServiceName[];
  /** How long the services may take to become ready (many processes start slower). */
  readyTimeoutMs?: number;
}

/**
 * The whole system as `npm start` runs it (one process per service, from dist, or more with
 * `replicas`), on the stack of vitest's global setup, with a data folder and databases of its
 * own, every service ready. `name` tells them apart.
 */
export async function startTestSystem(name: string, env: Record<string, string> = {}, options: TestSystemOptions = {}): Promise<TestSystem> {
  const serviceLog: string[] = [];
  const databasePrefix = `${name}_${Date.now().toString(36)}_`;
  const system = await startSystem({
    stack: {
      databaseUrl: inject('databaseUrl'),
      kafkaBrokers: kafkaBrokers(),
      smtp: smtpSettings(),
    },
    dataDir: mkdtempSync(join(tmpdir(), `pms-${name}-`)),
    databasePrefix,
    ports: 'random',
    runFrom: 'dist',
    replicas: options.replicas,
    balanced: options.balanced,
    env: { LOG_LEVEL: 'warn', SEED_DEMO_DATA: 'false', ...env },
    onLine: (service, line) => serviceLog.push(`${service} | ${line}`),
  });
  // Live is not ready: a service still connecting to PostgreSQL or Kafka answers 503, and an
  // event published before its consumer joined is read only after the group settles.
  await system.ready(options.readyTimeoutMs).catch(async (error: unknown) => {
    await system.stop();
    throw error;
  });
  const databases = Object.fromEntries(
    (options.databases ?? []).map((service) => [service, postgres(withDatabase(inject('databaseUrl'), `${databasePrefix}${service}`), { max: 1, onnotice: () => undefined })]),
  );
  return {
    system,
    serviceLog,
    databases,
    async stop() {
      await Promise.all(Object.values(databases).map((sql) => sql.end()));
      await system.stop();
      const problems = serviceLog.filter((line) => /"level":(50|60)/.test(line));
      if (problems.length) console.error(problems.slice(-20).join('\n'));
    },
  };
}
