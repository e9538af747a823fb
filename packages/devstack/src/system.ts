import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allTopics, authTopics, deadLetterTopic } from '@pms/contracts';
import { prepareTopics } from './kafka.js';
import { ensureDatabase, withDatabase } from './postgres.js';
import { spawnManaged, type ManagedProcess } from './processes.js';
import { supervise, type SupervisedProcess, type SupervisorOptions } from './supervisor.js';
import { claimPort, releasePorts } from './ports.js';
import type { Devstack } from './stack.js';
import { Fatal, retryUntil } from './wait.js';

/** Every service of the system: its HTTP port, gRPC port and database (DESIGN.md §2). */
export const serviceSpecs = {
  auth: { http: 4005, db: 'auth' },
  patient: { http: 8080, grpc: 9080, db: 'patient' },
  billing: { http: 8081, grpc: 9081, db: 'billing' },
  // The two whose work is the event chain (their HTTP answers staff's reports) yield the cores
  // to the request path: a user's next click must not queue behind the last one's emails.
  analytics: { http: 8082, db: 'analytics', niceness: 5 },
  doctor: { http: 8083, grpc: 9083, db: 'doctor' },
  appointment: { http: 8084, db: 'appointment' },
  notification: { http: 8086, db: 'notification', niceness: 5 },
  gateway: { http: 4004 },
} as const satisfies Record<string, { http: number; grpc?: number; db?: string; niceness?: number }>;
export type ServiceName = keyof typeof serviceSpecs;
export const serviceNames = Object.keys(serviceSpecs) as ServiceName[];

export type SystemPorts = Record<ServiceName, { http: number; grpc?: number }>;

export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** The demo seed; the same values as .env.example. */
export const demoDefaults = {
  ADMIN_EMAIL: 'admin@clinic.example',
  ADMIN_PASSWORD: 'demo-admin-password',
  SEED_DEMO_DATA: 'true',
  SMTP_FROM: 'Clinic <no-reply@clinic.example>',
};

export interface StartSystemOptions {
  stack: Pick<Devstack, 'databaseUrl' | 'kafkaBrokers' | 'smtp'>;
  /** Prepended to every service's database name, so a test run gets databases of its own. */
  databasePrefix?: string;
  /** Where auth keeps its generated dev signing key. */
  dataDir: string;
  /** 'fixed' = the ports of DESIGN.md §2 (npm start); 'random' = free ports (tests). */
  ports?: 'fixed' | 'random';
  /** Extra environment for every service (wins over the defaults). */
  env?: Record<string, string>;
  /** Every line a service prints; default: echoed with the service name in front. */
  onLine?: (service: ServiceName, line: string) => void;
  readyTimeoutMs?: number;
  /** 'dist' runs the compiled services (`npm run build` first): less memory, faster start. */
  runFrom?: 'source' | 'dist';
  /**
   * Services that get more processes (replicas) on free ports, against the same database and
   * Kafka, as a cluster runs them: a list gives each one more, a record says how many more.
   * Replicas are not supervised: tests kill them on purpose.
   */
  replicas?: readonly ServiceName[] | Partial<Record<ServiceName, number>>;
  /**
   * true: the gateway's upstream lists and the gRPC targets (`ipv4:a,b,c`) name every process of
   * a service, so requests and calls are balanced over the replicas. false (default): everyone
   * addresses the first process.
   */
  balanced?: boolean;
  /** A service that exits on its own is started again (supervisor.ts); these tune how. */
  supervision?: Omit<SupervisorOptions, 'log'>;
  /**
   * Where services send their spans (a Zipkin's /api/v2/spans): `npm start` runs one. Without it
   * tracing is off (OTEL_SDK_DISABLED=true), as in the tests, which have no Zipkin to send to.
   */
  zipkinSpansEndpoint?: string;
}

export interface ServiceReplica {
  url: string;
  ports: { http: number; grpc?: number };
  process: ManagedProcess;
}

export interface RunningSystem {
  gatewayUrl: string;
  urls: Record<ServiceName, string>;
  ports: SystemPorts;
  /** The current process of each service; a crashed one is restarted behind the same entry. */
  processes: Record<ServiceName, SupervisedProcess>;
  /** The first extra process of each service asked for with `replicas`; its Kafka client id and PGAPPNAME end in "-replica". */
  replicas: Partial<Record<ServiceName, ServiceReplica>>;
  /** Every extra process of each service (`-replica`, `-replica2`, …), in order. */
  replicaSets: Partial<Record<ServiceName, ServiceReplica[]>>;
  /**
   * Stops one process of a service gracefully (SIGTERM: drain, then close) and starts it again
   * on the same ports; resolves when it is ready. index 0 is the first process, 1… its replicas.
   */
  restart(name: ServiceName, index?: number): Promise<void>;
  /**
   * Resolves once every process answers /health/ready with 200: its database reached, every
   * consumer joined its group, every relay connected. startSystem waits only for live.
   */
  ready(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs every service as its own process against a started devstack, the way `npm start`
 * does: per-service databases, one environment each, ready when every /health/live answers.
 */
export async function startSystem(options: StartSystemOptions): Promise<RunningSystem> {
  const ports = await choosePorts(options.ports ?? 'fixed');
  // Before any relay or consumer starts: a clean first start has nothing to warn about.
  const everyTopic = [...allTopics, ...Object.values(authTopics)];
  await prepareTopics(options.stack.kafkaBrokers, [...everyTopic, ...everyTopic.map(deadLetterTopic)]);
  const databases = Object.fromEntries(
    await Promise.all(
      serviceNames.map(async (name) => {
        const spec = (serviceSpecs[name] as { db?: string }).db;
        const db = spec && `${options.databasePrefix ?? ''}${spec}`;
        if (db) await ensureDatabase(options.stack.databaseUrl, db);
        return [name, db ? withDatabase(options.stack.databaseUrl, db) : undefined] as const;
      }),
    ),
  );
  const urls = Object.fromEntries(serviceNames.map((n) => [n, `http://127.0.0.1:${ports[n].http}`])) as Record<ServiceName, string>;
  const replicaPorts = await claimReplicaPorts(options.replicas, ports);
  const everyPort = (name: ServiceName) => [ports[name], ...(options.balanced ? (replicaPorts[name] ?? []) : [])];
  const upstreamOf = (name: ServiceName) => everyPort(name).map(({ http }) => `http://127.0.0.1:${http}`).join(',');
  const grpcOf = (name: ServiceName) => {
    const targets = everyPort(name).map(({ grpc }) => `127.0.0.1:${grpc}`);
    return targets.length > 1 ? `ipv4:${targets.join(',')}` : targets[0]!;
  };
  const shared: Record<string, string> = {
    NODE_ENV: 'development',
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    GRPC_HOST: '127.0.0.1',
    KAFKA_BROKERS: options.stack.kafkaBrokers.join(','),
    AUTH_JWKS_URL: `${urls.auth}/auth/.well-known/jwks.json`,
    AUTH_DATA_DIR: join(options.dataDir, 'auth'),
    // Verification links point at the gateway, which serves the console.
    PUBLIC_URL: urls.gateway,
    PATIENT_GRPC_URL: grpcOf('patient'),
    DOCTOR_GRPC_URL: grpcOf('doctor'),
    BILLING_GRPC_URL: grpcOf('billing'),
    SMTP_HOST: options.stack.smtp.host,
    SMTP_PORT: String(options.stack.smtp.port),
    ...(options.zipkinSpansEndpoint ? { OTEL_EXPORTER_ZIPKIN_ENDPOINT: options.zipkinSpansEndpoint } : { OTEL_SDK_DISABLED: 'true' }),
    ...demoDefaults,
    ...Object.fromEntries(serviceNames.map((n) => [`${n.toUpperCase()}_URL`, urls[n]])),
  };

  const echo = options.onLine ?? ((service, line) => console.log(`${service.padEnd(12)} | ${line}`));
  const spawnService = (name: ServiceName, own: { http: number; grpc?: number }, extraEnv: Record<string, string> = {}, label: string = name) => {
    // Our defaults, then the caller's environment (e.g. LOG_LEVEL=warn npm start), then what
    // only this service may have.
    const env = {
      ...shared,
      ...process.env,
      PORT: String(own.http),
      ...(own.grpc ? { GRPC_PORT: String(own.grpc) } : {}),
      ...(databases[name] ? { DATABASE_URL: databases[name] } : {}),
      ...options.env,
      ...extraEnv,
    };
    // A small young generation keeps an idle service under 100 MB RSS (about 90 instead of
    // 120-160). PMS_SERVICE_NODE_ARGS adds flags, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
    const nodeArgs = ['--max-semi-space-size=2', ...(process.env.PMS_SERVICE_NODE_ARGS?.split(' ').filter(Boolean) ?? [])];
    // Tracing's loader hook goes first (platform's register entry): see packages/platform/src/tracing/register.ts.
    const entry =
      options.runFrom === 'dist'
        ? ['--import', '@pms/platform/register', compiledMainOf(name)]
        : ['--conditions=@pms/source', '--import', 'tsx', '--import', '@pms/platform/register', mainOf(name)];
    const args = [...nodeArgs, ...entry];
    return () =>
      spawnManaged(label, process.execPath, args, {
        cwd: REPO_ROOT,
        env,
        stopSignal: 'SIGTERM',
        niceness: (serviceSpecs[name] as { niceness?: number }).niceness,
        onLine: (line) => echo(name, line),
      });
  };
  const processes = {} as Record<ServiceName, SupervisedProcess>;
  const superviseOptions = (name: ServiceName) => ({ ...options.supervision, log: (message: string) => echo(name, `devstack: ${message}`) });
  // Only the gateway balances over lists of replicas; a service calling a peer over HTTP (patient
  // → appointment at a merge) takes one address.
  const ownEnv = (name: ServiceName) =>
    name === 'gateway' && options.balanced ? Object.fromEntries(serviceNames.map((n) => [`${n.toUpperCase()}_URL`, upstreamOf(n)])) : {};
  const spawnFirst = (name: ServiceName) => supervise(spawnService(name, ports[name], ownEnv(name)), superviseOptions(name));
  for (const name of serviceNames) processes[name] = spawnFirst(name);
  const replicaSets: Partial<Record<ServiceName, ServiceReplica[]>> = {};
  const replicaLabel = (name: ServiceName, index: number) => `${name}-replica${index > 1 ? index : ''}`;
  const spawnReplica = (name: ServiceName, index: number, own: { http: number; grpc?: number }) => {
    const label = replicaLabel(name, index);
    // Named apart in Kafka's group membership and PostgreSQL's pg_stat_activity.
    const env = { KAFKA_CLIENT_ID: label, PGAPPNAME: label };
    return spawnService(name, own, env, label)();
  };
  for (const [name, owns] of Object.entries(replicaPorts) as [ServiceName, { http: number; grpc?: number }[]][]) {
    replicaSets[name] = owns.map((own, i) => ({ url: `http://127.0.0.1:${own.http}`, ports: own, process: spawnReplica(name, i + 1, own) }));
  }
  const replicas = Object.fromEntries(Object.entries(replicaSets).map(([name, set]) => [name, set[0]!])) as Partial<Record<ServiceName, ServiceReplica>>;
  const instances = () => [
    ...serviceNames.map((name) => [name, urls[name], processes[name]] as const),
    ...(Object.entries(replicaSets) as [ServiceName, ServiceReplica[]][]).flatMap(([name, set]) =>
      set.map((replica, i) => [replicaLabel(name, i + 1), replica.url, replica.process] as const),
    ),
  ];

  const system: RunningSystem = {
    gatewayUrl: urls.gateway,
    urls,
    ports,
    processes,
    replicas,
    replicaSets,
    ready: (timeoutMs = 120_000) => waitUntilReady(instances().map(([name, url]) => [name, url] as const), timeoutMs),
    async restart(name, index = 0) {
      const replica = index > 0 ? replicaSets[name]?.[index - 1] : undefined;
      if (index > 0 && !replica) throw new Error(`${name} has no replica ${index}`);
      const [label, url] = replica ? [replicaLabel(name, index), replica.url] : [name, urls[name]];
      const started = replica
        ? await replica.process.stop(30_000).then(() => (replica.process = spawnReplica(name, index, replica.ports)))
        : await processes[name].stop(30_000).then(() => (processes[name] = spawnFirst(name)));
      await waitUntilLive(label, url, started, options.readyTimeoutMs ?? 180_000);
      await waitUntilReady([[label, url]], 120_000);
    },
    // The gateway first, so no request reaches a service that is already gone.
    stop: async () => {
      await processes.gateway.stop(10_000);
      const all = instances().map(([, , child]) => child);
      await Promise.all(all.map((p) => p.stop(15_000)));
      // Replicas always run on claimed ports; the services only in 'random' mode.
      const claimed = [...(options.ports === 'random' ? Object.values(ports) : []), ...Object.values(replicaPorts).flat()];
      releasePorts(claimed.flatMap(({ http, grpc }) => (grpc ? [http, grpc] : [http])));
    },
  };
  try {
    await Promise.all(instances().map(([name, url, child]) => waitUntilLive(name, url, child, options.readyTimeoutMs ?? 180_000)));
  } catch (error) {
    await system.stop();
    throw error;
  }
  return system;
}

/** Free ports for every extra process asked for with `replicas`, per service. */
async function claimReplicaPorts(
  asked: StartSystemOptions['replicas'],
  ports: SystemPorts,
): Promise<Partial<Record<ServiceName, { http: number; grpc?: number }[]>>> {
  const counts: Partial<Record<ServiceName, number>> = Array.isArray(asked)
    ? Object.fromEntries(asked.map((name) => [name, 1]))
    : ((asked ?? {}) as Partial<Record<ServiceName, number>>);
  const claimed: Partial<Record<ServiceName, { http: number; grpc?: number }[]>> = {};
  for (const [name, count] of Object.entries(counts) as [ServiceName, number][]) {
    claimed[name] = [];
    for (let i = 0; i < count; i++) claimed[name].push({ http: await claimPort(), grpc: ports[name].grpc ? await claimPort() : undefined });
  }
  return claimed;
}

/** Polls every /health/ready together; a timeout names who was not ready and what they last said. */
async function waitUntilReady(instances: (readonly [string, string])[], timeoutMs: number): Promise<void> {
  await retryUntil('the system', timeoutMs, async () => {
    const answers = await Promise.all(
      instances.map(async ([name, url]) => {
        const response = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2_000) }).catch((error: Error) => error);
        if (response instanceof Error) return `${name}: ${response.message}`;
        return response.ok ? undefined : `${name}: ${response.status} ${await response.text()}`;
      }),
    );
    const waiting = answers.filter(Boolean);
    if (waiting.length > 0) throw new Error(waiting.join('; '));
  }, 500);
}

function mainOf(name: ServiceName): string {
  const path = join(REPO_ROOT, 'packages', name, 'src', 'main.ts');
  if (!existsSync(path)) throw new Error(`packages/${name}/src/main.ts is missing`);
  return path;
}

function compiledMainOf(name: ServiceName): string {
  const path = join(REPO_ROOT, 'packages', name, 'dist', 'main.js');
  if (!existsSync(path)) throw new Error(`packages/${name}/dist/main.js is missing: run \`npm run build\` first`);
  return path;
}

async function choosePorts(mode: 'fixed' | 'random'): Promise<SystemPorts> {
  const ports = {} as SystemPorts;
  for (const name of serviceNames) {
    const spec = serviceSpecs[name] as { http: number; grpc?: number };
    ports[name] =
      mode === 'fixed'
        ? { http: spec.http, grpc: spec.grpc }
        : { http: await claimPort(), grpc: spec.grpc ? await claimPort() : undefined };
  }
  return ports;
}

function waitUntilLive(name: string, url: string, process: ManagedProcess & { restarts?: number }, timeoutMs: number) {
  const tail = () => `\n--- last lines of ${name} ---\n${process.recentOutput()}`;
  return retryUntil(name, timeoutMs, async () => {
    // A service that cannot even start (bad config, port taken) fails the start at once,
    // instead of going through its restarts.
    if (!process.running || (process.restarts ?? 0) > 0) throw new Fatal(`exited early${tail()}`);
    const response = await fetch(`${url}/health/live`, { signal: AbortSignal.timeout(1_000) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
  }, 250).catch((error: unknown) => {
    throw process.running ? new Error(`${(error as Error).message}${tail()}`, { cause: error }) : error;
  });
}
