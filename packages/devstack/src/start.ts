// `npm start`: PostgreSQL, Kafka, the SMTP sink and Zipkin on fixed ports (data kept in .data/
// between runs, traces in Zipkin's memory), then every service as its own process. Ctrl-C stops
// all of it. OTEL_SDK_DISABLED=true leaves Zipkin out and tracing off.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { assertPortFree } from './ports.js';
import { DEFAULT_DATA_DIR, startDevstack } from './stack.js';
import { demoDefaults, REPO_ROOT, startSystem } from './system.js';
import { startZipkin, type Zipkin } from './zipkin.js';

const envFile = join(REPO_ROOT, '.env');
if (existsSync(envFile)) process.loadEnvFile(envFile);

const tracing = !['true', '1'].includes(process.env.OTEL_SDK_DISABLED ?? '');
/** Zipkin's usual port. */
const ZIPKIN_PORT = 9411;
const failed = (error: unknown) => {
  // The message names the part that failed and carries its log tail; the stack adds nothing.
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
};
// Zipkin's JVM starts beside PostgreSQL and Kafka: it is ready about when they are.
const zipkinStarted = tracing
  ? assertPortFree(ZIPKIN_PORT, 'Zipkin (or set OTEL_SDK_DISABLED=true)').then(() =>
      startZipkin({ port: ZIPKIN_PORT, logFile: join(DEFAULT_DATA_DIR, 'zipkin.log') }),
    )
  : Promise.resolve(undefined);
const stack = await startDevstack().catch(failed);
const zipkin: Zipkin | undefined = await zipkinStarted.catch(async (error: unknown) => {
  await stack.stop();
  return failed(error);
});
let system: Awaited<ReturnType<typeof startSystem>> | undefined;
let stopping = false;
const stop = async (code: number) => {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping services and infrastructure…');
  await system?.stop();
  await stack.stop();
  await zipkin?.stop();
  process.exit(code);
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop(0));

try {
  system = await startSystem({
    stack,
    dataDir: stack.dataDir,
    runFrom: process.env.PMS_RUN_FROM === 'source' ? 'source' : 'dist',
    zipkinSpansEndpoint: zipkin?.spansEndpoint,
  });
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  await stop(1);
}

const admin = {
  email: process.env.ADMIN_EMAIL ?? demoDefaults.ADMIN_EMAIL,
  password: process.env.ADMIN_PASSWORD ?? demoDefaults.ADMIN_PASSWORD,
};
const t = stack.timings;
console.log(`
  Patient management system is up
  ────────────────────────────────────────────────────────────
  Console      ${system?.gatewayUrl}/
  Gateway      ${system?.gatewayUrl}
  API docs     ${system?.gatewayUrl}/docs
  Demo admin   ${admin.email} / ${admin.password}
  Mails        ${stack.smtp.apiUrl}/api/v1/messages
  PostgreSQL   ${stack.databaseUrl}  (${t.postgres} ms)
  Kafka        ${stack.kafkaBrokers.join(',')}  (${t.kafka} ms)
  Traces       ${zipkin ? `${zipkin.url}/zipkin/  (Zipkin; OTEL_TRACES_SAMPLER_ARG=1 keeps every trace)` : 'off (OTEL_SDK_DISABLED)'}
  Data         ${stack.dataDir}
  Ctrl-C stops everything.
`);
