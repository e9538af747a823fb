import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { startKafka, waitForKafka, type KafkaBroker } from './kafka.js';
import { assertPortFree, freePort } from './ports.js';
import { startPostgres, type PostgresServer } from './postgres.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';
import { retryUntil } from './wait.js';

export interface DevstackPorts {
  postgres: number;
  kafka: number;
  kafkaController: number;
  smtp: number;
  smtpApi: number;
}

/** `npm start` ports: Kafka's and Mailpit's usual ones; PostgreSQL avoids a system server on 5432. */
export const DEFAULT_PORTS: DevstackPorts = { postgres: 5433, kafka: 9092, kafkaController: 9093, smtp: 1025, smtpApi: 8025 };

/** `.data/` at the repository root. */
export const DEFAULT_DATA_DIR = fileURLToPath(new URL('../../../.data', import.meta.url));

export interface StartDevstackOptions {
  /** Default: a new temp dir when ephemeral, else DEFAULT_DATA_DIR. */
  dataDir?: string;
  /** Default: free random ports when ephemeral, else DEFAULT_PORTS. */
  ports?: Partial<DevstackPorts>;
  /** Throw-away stack for tests: random ports, temp dir deleted by stop(), PostgreSQL without fsync. */
  ephemeral?: boolean;
  /** Where DATABASE_URL, KAFKA_BROKERS and SMTP_API_URL/SMTP_HOST/SMTP_PORT are read; default process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface Devstack {
  /** Superuser URL (database `postgres`); create per-service or per-test databases from it. */
  databaseUrl: string;
  kafkaBrokers: string[];
  smtp: { host: string; port: number; apiUrl: string };
  dataDir: string;
  /** Present only when we started the process (not when taken from the environment). */
  postgres?: PostgresServer;
  kafka?: KafkaBroker;
  smtpSink?: SmtpSink;
  /** Milliseconds each part took to become ready. */
  timings: Record<'postgres' | 'kafka' | 'smtp', number>;
  stop(): Promise<void>;
}

export async function startDevstack(options: StartDevstackOptions = {}): Promise<Devstack> {
  const env = options.env ?? process.env;
  const ephemeral = options.ephemeral ?? false;
  const dataDir = options.dataDir ?? (ephemeral ? mkdtempSync(join(tmpdir(), 'pms-devstack-')) : DEFAULT_DATA_DIR);
  // mkdtemp makes the dir 0700; the postgres system user (we may be root) must get through it.
  if (ephemeral && !options.dataDir) chmodSync(dataDir, 0o755);
  const ports = await resolvePorts(options.ports ?? {}, ephemeral);
  const timings = { postgres: 0, kafka: 0, smtp: 0 };
  const names = { postgres: 'PostgreSQL', kafka: 'Kafka', smtp: 'SMTP sink' };
  const timed = async <T>(part: keyof typeof timings, work: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    try {
      return await work();
    } catch (error) {
      // Every failure names its part; the part's own message carries its log tail.
      throw new Error(`${names[part]}: ${(error as Error).message ?? error}`, { cause: error });
    } finally {
      timings[part] = Date.now() - t0;
    }
  };

  const external = { db: env.DATABASE_URL, kafka: env.KAFKA_BROKERS, smtpApi: env.SMTP_API_URL };
  const parts = await Promise.allSettled([
    timed('postgres', async () => {
      if (external.db) return waitForPostgres(external.db);
      await assertPortFree(ports.postgres, 'PostgreSQL (set DATABASE_URL to use another server)');
      return startPostgres({ dataDir: join(dataDir, 'postgres'), port: ports.postgres, ephemeral, logFile: join(dataDir, 'postgres.log') });
    }),
    timed('kafka', async () => {
      if (external.kafka) return waitForKafka(external.kafka.split(','), 30_000);
      await assertPortFree(ports.kafka, 'Kafka (set KAFKA_BROKERS to use another broker)');
      return startKafka({ dataDir: join(dataDir, 'kafka'), port: ports.kafka, controllerPort: ports.kafkaController });
    }),
    timed('smtp', async () => {
      if (external.smtpApi) return undefined;
      await assertPortFree(ports.smtp, 'SMTP sink (set SMTP_API_URL, SMTP_HOST, SMTP_PORT to use e.g. Mailpit)');
      return startSmtpSink({ smtpPort: ports.smtp, httpPort: ports.smtpApi });
    }),
  ]);
  const [pg, kafka, smtp] = parts.map((p) => (p.status === 'fulfilled' ? p.value : undefined)) as [
    PostgresServer | undefined, KafkaBroker | undefined, SmtpSink | undefined,
  ];
  const stop = async () => {
    await Promise.all([pg?.stop(), kafka?.stop(), smtp?.stop()]);
    if (ephemeral && !options.dataDir) {
      // A cluster relocated out of a private directory (reachable.ts) is not inside dataDir.
      if (pg) rmSync(pg.clusterDir, { recursive: true, force: true });
      rmSync(dataDir, { recursive: true, force: true });
    }
  };
  const failed = parts.filter((p): p is PromiseRejectedResult => p.status === 'rejected');
  if (failed.length > 0) {
    await stop();
    const reasons = failed.map((f) => (f.reason instanceof Error ? f.reason.message : String(f.reason)));
    throw new Error(`devstack did not start:\n${reasons.join('\n\n')}`, { cause: failed.map((f) => f.reason) });
  }

  return {
    databaseUrl: external.db ?? pg!.url,
    kafkaBrokers: external.kafka ? external.kafka.split(',') : kafka!.brokers,
    smtp: external.smtpApi
      ? { host: env.SMTP_HOST ?? '127.0.0.1', port: Number(env.SMTP_PORT ?? 1025), apiUrl: external.smtpApi }
      : { host: smtp!.host, port: smtp!.smtpPort, apiUrl: smtp!.apiUrl },
    dataDir,
    postgres: pg,
    kafka,
    smtpSink: smtp,
    timings,
    stop,
  };
}

async function resolvePorts(given: Partial<DevstackPorts>, random: boolean): Promise<DevstackPorts> {
  const ports = { ...DEFAULT_PORTS, ...given };
  if (!random) return ports;
  const taken = new Set(Object.values(given));
  for (const key of Object.keys(DEFAULT_PORTS) as (keyof DevstackPorts)[]) {
    let port = given[key];
    while (port === undefined || (given[key] === undefined && taken.has(port))) port = await freePort();
    taken.add(port);
    ports[key] = port;
  }
  return ports;
}

async function waitForPostgres(url: string): Promise<void> {
  await retryUntil('PostgreSQL at DATABASE_URL', 30_000, async () => {
    const sql = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => {} });
    try {
      await sql`select 1`;
    } finally {
      await sql.end({ timeout: 1 });
    }
  });
}
