import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, inject, it } from 'vitest';
import { freePort, startKafka, startSystem, type KafkaBroker, type RunningSystem } from '../src/index.js';

// `npm start` on a fresh clone: a broker that has never seen a topic, every service at the
// default log level. Whatever the services print at warn or above is something a newcomer
// would take for a failure.
let kafka: KafkaBroker | undefined;
let system: RunningSystem | undefined;
const dataDir = mkdtempSync(join(tmpdir(), 'pms-first-start-'));
afterAll(async () => {
  await system?.stop();
  await kafka?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

it('a first start on a fresh broker prints no warning or error', { timeout: 300_000 }, async () => {
  kafka = await startKafka({ dataDir: join(dataDir, 'kafka'), port: await freePort() });
  const lines: string[] = [];
  system = await startSystem({
    stack: {
      databaseUrl: inject('databaseUrl'),
      kafkaBrokers: kafka.brokers,
      smtp: { host: inject('smtpHost'), port: inject('smtpPort'), apiUrl: inject('smtpApiUrl') },
    },
    databasePrefix: `first_${Date.now().toString(36)}_`,
    dataDir,
    ports: 'random',
    runFrom: 'dist',
    env: { LOG_LEVEL: 'info' },
    onLine: (service, line) => lines.push(`${service} | ${line}`),
  });
  // Ready means every consumer joined its group and every relay reached the broker.
  await system.ready();
  const loud = lines.filter((line) => !/"level":(10|20|30)[,}]/.test(line));
  expect(loud).toEqual([]);
});
