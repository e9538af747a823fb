import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { ensureMavenLibs, javaBinary } from './jvm.js';
import { freePort } from './ports.js';
import { spawnManaged, type ManagedProcess } from './processes.js';
import { Fatal, retryUntil } from './wait.js';

export interface StartKafkaOptions {
  /** Holds server.properties, the log dirs and kafka.log; formatted once, reused afterwards. */
  dataDir: string;
  port: number;
  /** The KRaft controller listener; a free port when omitted. */
  controllerPort?: number;
  heapMb?: number;
}

export interface KafkaBroker {
  brokers: string[];
  port: number;
  dataDir: string;
  readonly pid: number | undefined;
  readonly running: boolean;
  /** Stops the JVM and waits for it to exit; data and port are kept for start(). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data dir, and waits until it answers. */
  start(): Promise<void>;
}

const POM = fileURLToPath(new URL('../kafka/pom.xml', import.meta.url));
const LIBS = fileURLToPath(new URL('../.cache/kafka-libs', import.meta.url));
const NO_JAVA =
  'Kafka needs Java 17+ and Maven on PATH (its jars come from Maven Central): install them, ' +
  'or set KAFKA_BROKERS to a running broker, or use `docker compose up`.';

const START_TIMEOUT_MS = 180_000;

export async function startKafka(options: StartKafkaOptions): Promise<KafkaBroker> {
  const java = javaBinary(NO_JAVA);
  const libs = await ensureKafkaLibs();
  const { dataDir, port } = options;
  const controllerPort = options.controllerPort ?? (await freePort());
  const brokers = [`127.0.0.1:${port}`];
  const config = join(dataDir, 'server.properties');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(config, serverProperties(dataDir, port, controllerPort));
  writeFileSync(join(dataDir, 'log4j.properties'), LOG4J);
  const classpath = ['-cp', `${libs}/*`];

  if (!existsSync(join(dataDir, 'logs', 'meta.properties'))) {
    // Kafka's own "kafka-storage.sh format"; the cluster id is 16 random bytes in URL-safe base64.
    const clusterId = randomBytes(16).toString('base64url');
    // `--cluster-id=` form: an id may start with '-', which the argument parser takes for an option.
    await promisify(execFile)(java, [...classpath, 'kafka.tools.StorageTool', 'format', `--cluster-id=${clusterId}`, '-c', config, '--ignore-formatted']);
  }

  // A dev broker: small heap, serial GC and the C1-only JIT start faster and burn less CPU on small machines.
  const jvm = [
    `-Xms128m`, `-Xmx${options.heapMb ?? 512}m`, '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1',
    '-Djava.awt.headless=true', `-Dlog4j.configuration=file:${join(dataDir, 'log4j.properties')}`,
  ];
  let proc: ManagedProcess | undefined;
  const start = async () => {
    if (proc?.running) return;
    const p = spawnManaged('kafka', java, [...jvm, ...classpath, 'kafka.Kafka', config], {
      logFile: join(dataDir, 'kafka.log'),
      // Nothing on a request's path waits for the broker (the outbox does): it yields to what does.
      niceness: 5,
    });
    proc = p;
    const log = join(dataDir, 'kafka.log');
    try {
      // A busy machine can take minutes to start a JVM; a broker that died fails at once instead.
      await waitForKafka(brokers, START_TIMEOUT_MS, () => {
        if (!p.running) throw new Fatal(`the broker exited\n--- last lines of ${log} ---\n${p.recentOutput()}`);
      });
    } catch (err) {
      const tail = p.running ? `\n--- last lines of ${log} ---\n${p.recentOutput()}` : '';
      await p.stop();
      throw new Error(`${(err as Error).message}${tail}`, { cause: err });
    }
  };
  await start();
  return {
    brokers,
    port,
    dataDir,
    get pid() {
      return proc?.running ? proc.pid : undefined;
    },
    get running() {
      return proc?.running ?? false;
    },
    stop: async () => proc?.stop(30_000),
    start,
  };
}

export function stopKafka(broker: KafkaBroker): Promise<void> {
  return broker.stop();
}

/** Waits until the brokers answer metadata requests (not merely accept TCP connections). */
export async function waitForKafka(brokers: string[], timeoutMs = 60_000, check: () => void = () => {}): Promise<void> {
  const kafka = new Kafka({
    clientId: 'devstack-probe',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    retry: { retries: 0 },
  });
  await retryUntil(`Kafka at ${brokers.join(',')}`, timeoutMs, async () => {
    check();
    const admin = kafka.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length === 0) throw new Error('no broker registered yet');
      await admin.listTopics();
    } finally {
      await admin.disconnect();
    }
  });
}

/**
 * Creates `topics` (those missing) and waits until every partition has a leader, and makes
 * the broker create its group-offsets topic: on a fresh broker, services that start before
 * this see "does not host this topic-partition" and "coordinator not available" for seconds.
 */
export async function prepareTopics(brokers: string[], topics: string[], partitions = 3, timeoutMs = 60_000): Promise<void> {
  const kafka = new Kafka({ clientId: 'devstack-topics', brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 } });
  const admin = kafka.admin();
  await retryUntil(`Kafka at ${brokers.join(',')}: topics`, timeoutMs, async () => {
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((topic) => !existing.has(topic));
    if (missing.length > 0) await admin.createTopics({ waitForLeaders: true, topics: missing.map((topic) => ({ topic, numPartitions: partitions })) });
    const { topics: described } = await admin.fetchTopicMetadata({ topics });
    const leaderless = described.filter((topic) => topic.partitions.some((partition) => partition.leader < 0));
    if (leaderless.length > 0) throw new Error(`no leader yet for ${leaderless.map((topic) => topic.name).join(', ')}`);
    // Asking for a group's coordinator makes the broker create __consumer_offsets.
    await admin.describeGroups(['devstack-warm-up']);
  }).finally(() => admin.disconnect());
}

/** The broker's classpath, fetched from Maven Central once and cached next to the pom. */
export function ensureKafkaLibs(): Promise<string> {
  return ensureMavenLibs({ pom: POM, dir: LIBS, what: 'the Kafka 3.9.1 jars', missing: NO_JAVA });
}

function serverProperties(dataDir: string, port: number, controllerPort: number): string {
  return `# Generated by @pms/devstack on every start; edits are overwritten.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${controllerPort}
listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}
advertised.listeners=PLAINTEXT://127.0.0.1:${port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=${join(dataDir, 'logs')}
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
`;
}

const LOG4J = `log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
`;
