// `npm start`: PostgreSQL, Kafka and the SMTP sink on fixed ports (data kept in .data/ between
// runs), then every service as its own process. Ctrl-C stops all of it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startDevstack } from './stack.js';
import { demoDefaults, REPO_ROOT, startSystem } from './system.js';

const envFile = join(REPO_ROOT, '.env');
if (existsSync(envFile)) process.loadEnvFile(envFile);

const stack = await startDevstack().catch((error: unknown) => {
  // The message names the part that failed and carries its log tail; the stack adds nothing.
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
let system: Awaited<ReturnType<typeof startSystem>> | undefined;
let stopping = false;
const stop = async (code: number) => {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping services and infrastructure…');
  await system?.stop();
  await stack.stop();
  process.exit(code);
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop(0));

try {
  system = await startSystem({ stack, dataDir: stack.dataDir, runFrom: process.env.PMS_RUN_FROM === 'source' ? 'source' : 'dist' });
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
  Data         ${stack.dataDir}
  Ctrl-C stops everything.
`);
