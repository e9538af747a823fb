// Where one request's time goes, hop by hop, on a running system at rest (issue 26):
// `node --import tsx bench/timeline.ts create|booking|read` (as root, with tcpdump installed).
// Every TCP segment that carries data on loopback is captured while one request runs, each end
// named by the process that owns its port (`ss -tnp`): gateway, a service, PostgreSQL, Kafka.
// The capture costs the processes nothing, unlike strace or logging in them.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { gatewayClient } from '../packages/e2e/src/client.js';
import { createFixture, nthBooking, randomUUID } from './setup.js';

const gatewayUrl = process.env.GATEWAY_URL ?? 'http://127.0.0.1:4004';
const admin = { email: process.env.ADMIN_EMAIL ?? 'admin@clinic.example', password: process.env.ADMIN_PASSWORD ?? 'demo-admin-password' };
const what = process.argv[2] ?? 'create';

/** Which process listens on or connects from each local port. */
function portOwners(): Map<number, string> {
  const owners = new Map<number, string>();
  const nameOf = (pid: string): string | undefined => {
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    if (command.includes('kafka.Kafka')) return 'kafka';
    const service = /packages\/(\w+)\/(?:dist|src)\/main/.exec(command)?.[1];
    if (service) return service;
    if (/(^|\/)postgres(:|\s)/.test(command)) return 'postgres';
    return command.includes('bench/timeline') ? 'client' : undefined;
  };
  for (const line of execFileSync('ss', ['-tnpH'], { encoding: 'utf8' }).split('\n')) {
    const local = /127\.0\.0\.1:(\d+)/.exec(line)?.[1];
    const pid = /pid=(\d+)/.exec(line)?.[1];
    const name = pid && nameOf(pid);
    if (local && name) owners.set(Number(local), name);
  }
  for (const line of execFileSync('ss', ['-tlnpH'], { encoding: 'utf8' }).split('\n')) {
    const local = /:(\d+)\s/.exec(line)?.[1];
    const pid = /pid=(\d+)/.exec(line)?.[1];
    const name = pid && nameOf(pid);
    if (local && name) owners.set(Number(local), name);
  }
  return owners;
}

const api = gatewayClient(gatewayUrl);
const fixture = await createFixture(gatewayUrl, admin, { doctors: 1, patients: 1, quietPatients: 0 });
const request = {
  read: () => api.get(`/api/patients/${fixture.patients[0]!.id}`, fixture.adminToken),
  create: () => api.post('/api/patients', { name: 'Timeline Patient', email: `timeline-${randomUUID()}@bench.example`, dateOfBirth: '1980-01-01' }, fixture.adminToken),
  booking: () => {
    const { doctorId, patient, startsAt } = nthBooking(fixture, 0);
    return api.post('/api/appointments', { patientId: patient.id, doctorId, startsAt, durationMinutes: 5 }, fixture.adminToken);
  },
}[what];
if (!request) throw new Error(`usage: timeline.ts read|create|booking`);

// Warm the client's connection, then let the fixture's own chains drain: the request runs at rest.
await api.get('/health/live');
await new Promise((resolve) => setTimeout(resolve, 3_000));
const capture = spawn('tcpdump', ['-i', 'lo', '-nn', '-tt', '-l', '-q', 'tcp and (((ip[2:2] - ((ip[0]&0xf)<<2)) - ((tcp[12]&0xf0)>>2)) != 0)'], { stdio: ['ignore', 'pipe', 'ignore'] });
let output = '';
capture.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
await new Promise((resolve) => setTimeout(resolve, 1_000));
const ownersBefore = portOwners();
const started = Date.now() / 1000;
const answer = await request();
const ended = Date.now() / 1000;
// What the request set off (relays, consumers) shows too, for a while after the answer.
await new Promise((resolve) => setTimeout(resolve, Number(process.env.TIMELINE_TAIL_MS ?? 300)));
// Connections the request opened exist only after it: both views name the ports.
const owners = new Map([...ownersBefore, ...portOwners()]);
capture.kill('SIGINT');
await new Promise((resolve) => capture.once('close', resolve));

console.log(`${what}: HTTP ${answer.status} in ${((ended - started) * 1000).toFixed(1)} ms (client's clock)`);
for (const line of output.split('\n')) {
  const match = /^(\d+\.\d+) IP 127\.0\.0\.1\.(\d+) > 127\.0\.0\.1\.(\d+): tcp (\d+)/.exec(line);
  if (!match) continue;
  const [, at, from, to, bytes] = match;
  const ms = (Number(at) - started) * 1000;
  if (ms < -1) continue;
  // Segments of processes outside the system (another checkout's tests, say) are left out.
  const [source, target] = [owners.get(Number(from)), owners.get(Number(to))];
  if (!source || !target) continue;
  console.log(`${ms.toFixed(2).padStart(8)} ms  ${source.padEnd(12)} → ${target.padEnd(12)} ${bytes!.padStart(6)} B`);
}
