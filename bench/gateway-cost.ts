// `npm run bench:gateway`: what the gateway itself costs per proxied request, and how the young
// generation's size trades that against idle memory. A gateway process (bench/gateway-child.ts)
// proxies to a stub upstream that answers at once, so the figures are the gateway's own work:
// token check, routing, headers, the undici hop. CPU time per request (from process.cpuUsage)
// says more than req/s on a shared machine, since it does not count time spent waiting for a core.
//   npm run bench:gateway [-- --semi-space=1,2,4,8,16] [--profile]
// --profile writes a CPU profile of each gateway run to bench/results/gateway-profile-<time>/ and
// prints its top functions and packages.
import autocannon from 'autocannon';
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createTestTokenIssuer } from '../packages/platform/src/testing/tokens.js';
import { printProfiles } from './profile.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const sizesArg = process.argv.find((arg) => arg.startsWith('--semi-space='));
const semiSpaceSizes = (sizesArg?.split('=')[1] ?? '2').split(',').map(Number);
const profileDir = process.argv.includes('--profile')
  ? join(import.meta.dirname, 'results', `gateway-profile-${new Date().toISOString().replace(/[:.]/g, '-')}`)
  : undefined;

interface Usage {
  cpu: NodeJS.CpuUsage;
  rss: number;
}

const answer = JSON.stringify({ id: '00000000-0000-4000-8000-000000000000', name: 'Stub Patient', email: 'stub@bench.example' });
async function stubUpstream(): Promise<Server> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) });
    response.end(answer);
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

async function startGateway(upstreamUrl: string, jwks: string, semiSpaceMb: number): Promise<{ child: ChildProcess; url: string }> {
  const urls = Object.fromEntries(['AUTH', 'PATIENT', 'BILLING', 'ANALYTICS', 'DOCTOR', 'APPOINTMENT', 'NOTIFICATION'].map((name) => [`${name}_URL`, upstreamUrl]));
  const profiling = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = fork(new URL('./gateway-child.mjs', import.meta.url), {
    execArgv: [`--max-semi-space-size=${semiSpaceMb}`, ...profiling],
    env: { ...process.env, ...urls, AUTH_JWKS: jwks, RATE_LIMIT_MAX: '0', LOG_LEVEL: 'warn' },
  });
  const [ready] = (await once(child, 'message')) as [{ port: number }];
  return { child, url: `http://127.0.0.1:${ready.port}` };
}

async function usageOf(child: ChildProcess): Promise<Usage> {
  child.send('usage');
  const [usage] = (await once(child, 'message')) as [Usage];
  return usage;
}

const cpuMs = (from: Usage, to: Usage) => (to.cpu.user - from.cpu.user + to.cpu.system - from.cpu.system) / 1000;

const issuer = createTestTokenIssuer();
const token = issuer.token({ role: 'admin', email: 'bench-admin@bench.example' });
const upstream = await stubUpstream();
const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
const load = (url: string, duration: number) =>
  autocannon({ url: `${url}/api/patients/00000000-0000-4000-8000-000000000000`, connections, duration, headers: { authorization: `Bearer ${token}` } });

const direct = await load(upstreamUrl, Math.min(seconds, 3));
console.log(`stub upstream alone: ${Math.round(direct.requests.average)} req/s (what the load generator and stub take)`);
const rows = [];
for (const semiSpaceMb of semiSpaceSizes) {
  const gateway = await startGateway(upstreamUrl, JSON.stringify(issuer.jwks), semiSpaceMb);
  // Idle after start: what the idle-RSS target counts (start-up's own garbage included).
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const started = await usageOf(gateway.child);
  await load(gateway.url, 2); // warm-up: JIT, connection pools, the token cache
  const before = await usageOf(gateway.child);
  const result = await load(gateway.url, seconds);
  const after = await usageOf(gateway.child);
  // Idle: what the process keeps once the load is gone (after a few seconds for the GC to settle).
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  const idle = await usageOf(gateway.child);
  rows.push({
    'semi-space MB': semiSpaceMb,
    'req/s': Math.round(result.requests.average),
    'p99 ms': result.latency.p99,
    'gateway CPU µs/req': Math.round((cpuMs(before, after) * 1000) / result.requests.total),
    'idle RSS after start MB': Math.round(started.rss / 2 ** 20),
    'RSS after load MB': Math.round(after.rss / 2 ** 20),
    'idle RSS after load MB': Math.round(idle.rss / 2 ** 20),
    non2xx: result.non2xx,
  });
  gateway.child.send('stop');
  await once(gateway.child, 'exit');
}
console.table(rows);
upstream.close();
if (profileDir) printProfiles(profileDir);
