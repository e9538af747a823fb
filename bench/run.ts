// `npm run bench`: load through the gateway of a running system (`RATE_LIMIT_MAX=0 npm start`).
// Prints a table against the targets and writes the figures to bench/results/<time>.json.
// `npm run bench -- --profile` starts the system itself with every service CPU-profiled and
// prints where each service's time went (bench/profile.ts).
import { DEFAULT_PORTS } from '@pms/devstack';
import autocannon from 'autocannon';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { cpuBetween, cpuSnapshot, type CpuSnapshot } from './cpu.js';
import { flowBetween, flowSnapshot, type FlowCounts, type FlowPerService } from './flow.js';
import { latencyAtRest, type RestLatency } from './latency.js';
import { bookedAppointments, cancellations, reschedules } from './lifecycle.js';
import { connectStatementCounter, statementsPerRequest, type StatementCounts } from './statements.js';
import { printProfiles, startProfiledSystem, type ProfiledSystem } from './profile.js';
import { waitForQuiet } from './quiet.js';
import { createFixture, nthBooking, randomUUID, type BenchFixture } from './setup.js';

const gatewayUrl = process.env.GATEWAY_URL ?? 'http://127.0.0.1:4004';
const admin = { email: process.env.ADMIN_EMAIL ?? 'admin@clinic.example', password: process.env.ADMIN_PASSWORD ?? 'demo-admin-password' };
const duration = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const servicePorts = { gateway: 4004, auth: 4005, patient: 8080, billing: 8081, analytics: 8082, doctor: 8083, appointment: 8084, notification: 8086 };

interface Row {
  scenario: string;
  requests?: number;
  requestsPerSecond: number;
  p50: number;
  p97_5: number;
  p99: number;
  errors: number;
  non2xx: number;
  target: string;
  met: boolean;
}

/** Where the CPU went during a scenario (milliseconds per process group, microseconds per request) and the statements each database ran per request. */
interface CpuUse {
  scenario: string;
  requests: number;
  cpuMs: Record<string, number>;
  perRequestUs: Record<string, number>;
  totalPerRequestUs: number;
  statementsPerRequest?: Record<string, number>;
  /** Events per fetch batch, per consumer transaction and per relay round, by service. */
  flow?: Record<string, FlowPerService>;
}
const cpuUse: CpuUse[] = [];

interface Mark {
  cpu: CpuSnapshot;
  statements?: StatementCounts;
  flow: FlowCounts;
}
const mark = async (): Promise<Mark> => ({ cpu: cpuSnapshot(), statements: await statementCounter?.snapshot(), flow: await flowSnapshot(servicePorts) });

async function recordUse(scenario: string, requests: number, since: Mark): Promise<void> {
  const now = await mark();
  const cpuMs = cpuBetween(since.cpu, now.cpu);
  const perRequestUs = Object.fromEntries(Object.entries(cpuMs).map(([group, ms]) => [group, Math.round((ms * 1000) / requests)]));
  const totalPerRequestUs = Object.values(perRequestUs).reduce((sum, us) => sum + us, 0);
  const statements = since.statements && now.statements ? statementsPerRequest(since.statements, now.statements, requests) : undefined;
  cpuUse.push({ scenario, requests, cpuMs, perRequestUs, totalPerRequestUs, statementsPerRequest: statements, flow: flowBetween(since.flow, now.flow) });
}

async function load(scenario: string, fixture: BenchFixture, options: Partial<autocannon.Options>, target: { rps: number; p99: number }): Promise<Row> {
  const since = await mark();
  const result = await autocannon({
    url: gatewayUrl,
    connections,
    duration,
    headers: { authorization: `Bearer ${fixture.adminToken}`, 'content-type': 'application/json' },
    ...options,
  });
  const row = {
    scenario,
    requests: result.requests.total,
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p97_5: result.latency.p97_5,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    target: `≥ ${target.rps} req/s, p99 ≤ ${target.p99} ms`,
  };
  await recordUse(scenario, result.requests.total, since);
  return { ...row, met: row.requestsPerSecond >= target.rps && row.p99 <= target.p99 && row.errors === 0 && row.non2xx === 0 };
}

function bookings(fixture: BenchFixture, offset: number): Partial<autocannon.Options> {
  let next = offset;
  return {
    requests: [
      {
        method: 'POST',
        path: '/api/appointments',
        setupRequest: (request) => {
          const { doctorId, patient, startsAt } = nthBooking(fixture, next++);
          return { ...request, body: JSON.stringify({ patientId: patient.id, doctorId, startsAt, durationMinutes: 5 }) };
        },
      },
    ],
  };
}

function patientCreations(): Partial<autocannon.Options> {
  const run = randomUUID().slice(0, 8);
  let next = 0;
  return {
    requests: [
      {
        method: 'POST',
        path: '/api/patients',
        setupRequest: (request) => {
          const i = next++;
          return { ...request, body: JSON.stringify({ name: `Bench Created ${i}`, email: `bench-${run}-c${i}@bench.example`, dateOfBirth: '1980-01-01' }) };
        },
      },
    ],
  };
}

/** Books one appointment at a time and measures until its confirmation email is logged as SENT. */
async function bookingToEmail(fixture: BenchFixture, firstSlot: number): Promise<Row> {
  const latencies: number[] = [];
  let errors = 0;
  for (const [i, patient] of fixture.quietPatients.entries()) {
    const { doctorId, startsAt } = nthBooking(fixture, firstSlot + i);
    const started = performance.now();
    const booked = await fixture.api.post('/api/appointments', { patientId: patient.id, doctorId, startsAt, durationMinutes: 5 }, fixture.adminToken);
    const logged = async () => {
      const { body } = await fixture.api.get(`/api/notifications?recipient=${encodeURIComponent(patient.email)}&type=AppointmentBooked`, fixture.adminToken);
      return body.items?.some((notification: { status: string }) => notification.status === 'SENT');
    };
    while (booked.status === 201 && !(await logged()) && performance.now() - started < 10_000) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    if (booked.status !== 201 || performance.now() - started >= 10_000) errors++;
    else latencies.push(performance.now() - started);
  }
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN);
  const p99 = at(0.99);
  return { scenario: 'booking → email logged (ms)', requestsPerSecond: NaN, p50: at(0.5), p97_5: at(0.975), p99, errors, non2xx: 0, target: 'p99 ≤ 500 ms', met: p99 <= 500 && errors === 0 };
}

async function residentMemory(): Promise<Record<string, number>> {
  const rss: Record<string, number> = {};
  for (const [service, port] of Object.entries(servicePorts)) {
    // The gateway serves its metrics only with METRICS_TOKEN (start the system with the same one).
    const headers: Record<string, string> = process.env.METRICS_TOKEN ? { authorization: `Bearer ${process.env.METRICS_TOKEN}` } : {};
    const text = await fetch(`http://127.0.0.1:${port}/metrics`, { headers }).then((r) => r.text(), () => '');
    const bytes = Number(/^process_resident_memory_bytes(?:\{[^}]*\})? (\d+)/m.exec(text)?.[1]);
    rss[service] = Math.round(bytes / 1_048_576);
  }
  return rss;
}

/**
 * Each service's RSS while the system is idle: the lowest of samples over 20 s. Right after boot
 * a process still holds its start-up garbage until V8's first major collections (the gateway:
 * 99 MB at 3 s, 91 MB at 10 s); what an idle service keeps is what the target is about.
 */
async function idleMemory(): Promise<Record<string, number>> {
  const lowest = await residentMemory();
  for (let sample = 1; sample < 10; sample += 1) {
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    for (const [service, mb] of Object.entries(await residentMemory())) lowest[service] = Math.min(lowest[service] ?? mb, mb);
  }
  return lowest;
}

/** Consumers caught up and no email waiting to be sent: the previous scenario's tail is done. */
async function quiet(fixture?: BenchFixture): Promise<number> {
  const started = Date.now();
  await waitForQuiet(brokers);
  while (fixture) {
    const { body } = await fixture.api.get('/api/notifications?status=PENDING&pageSize=1', fixture.adminToken);
    if (body.total === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  console.log(`  system quiet after ${Date.now() - started} ms`);
  return Date.now() - started;
}

const profiling = process.argv.includes('--profile');
let profiled: ProfiledSystem | undefined;
if (profiling) {
  console.log('starting the system with every service profiled (npm start, --cpu-prof)…');
  profiled = await startProfiledSystem(gatewayUrl, join(import.meta.dirname, 'results', `profile-${new Date().toISOString().replace(/[:.]/g, '-')}`));
}
console.log(`gateway ${gatewayUrl}; ${connections} connections, ${duration} s per scenario`);
await quiet();
// Connected once the system is up (the profiled run starts it itself); `mark` runs only after.
const statementCounter = await connectStatementCounter(process.env.BENCH_DATABASE_URL ?? `postgres://postgres:postgres@127.0.0.1:${DEFAULT_PORTS.postgres}/postgres`);
if (!statementCounter) console.log('  (no pg_stat_statements on this cluster: statements per request are not counted)');
const memory = await idleMemory();
console.log('setting up doctors and patients…');
// Smaller fixtures (BENCH_DOCTORS ≤ BENCH_PATIENTS) set up faster on a busy machine.
const patientCount = Number(process.env.BENCH_PATIENTS ?? 100);
const fixture = await createFixture(gatewayUrl, admin, { doctors: Number(process.env.BENCH_DOCTORS ?? 50), patients: patientCount, quietPatients: patientCount });
const someone = fixture.patients[0]!.id;
const rows: Row[] = [];
await quiet(fixture);
// BENCH_SCENARIOS=read,fhir,list,create,booking,reschedule,cancel,email,rest,import runs some of them
// (all by default; reschedule and cancel need booking).
const chosen = new Set((process.env.BENCH_SCENARIOS ?? 'read,fhir,list,create,booking,reschedule,cancel,email,rest,import').split(','));
if (chosen.has('read')) rows.push(await load('read one patient', fixture, { url: `${gatewayUrl}/api/patients/${someone}` }, { rps: 6000, p99: 20 }));
// The same record as FHIR (issue 21: within 1.5× the CPU of the JSON read).
if (chosen.has('fhir')) rows.push(await load('FHIR read one patient', fixture, { url: `${gatewayUrl}/fhir/R4/Patient/${someone}`, headers: { authorization: `Bearer ${fixture.adminToken}`, accept: 'application/fhir+json' } }, { rps: 6000, p99: 20 }));
if (chosen.has('list')) rows.push(await load('list patients', fixture, { url: `${gatewayUrl}/api/patients?page=1&pageSize=20` }, { rps: 3000, p99: 100 }));
if (chosen.has('create')) {
  const createStarted = await mark();
  const creation = await load('create patient', fixture, patientCreations(), { rps: 1000, p99: 100 });
  rows.push(creation);
  await quiet(fixture);
  await recordUse('create patient with its event chain (load + drain)', creation.requests ?? 0, createStarted);
}
if (chosen.has('booking')) {
  const bookingStarted = await mark();
  const booking = await load('book appointments', fixture, bookings(fixture, 0), { rps: 1500, p99: 50 });
  rows.push(booking);
  // The whole chain after the load stops: invoices, emails, analytics, doctor's booked slots.
  const drainMs = await quiet(fixture);
  await recordUse('booking with its whole event chain (load + drain)', booking.requests ?? 0, bookingStarted);
  rows.push({ scenario: 'event chain drained after booking (ms)', requestsPerSecond: NaN, p50: NaN, p97_5: NaN, p99: drainMs, errors: 0, non2xx: 0, target: '≤ 10000 ms', met: drainMs <= 10_000 });
  // Half of what was booked is moved, the other half cancelled: each with its chain.
  const booked = await bookedAppointments(fixture);
  const half = Math.floor(booked.length / 2);
  for (const [name, options] of [['reschedule', reschedules(booked.slice(0, half))], ['cancel', cancellations(booked.slice(half))]] as const) {
    if (!chosen.has(name)) continue;
    const started = await mark();
    const row = await load(`${name} appointments`, fixture, options, { rps: 1500, p99: 50 });
    rows.push(row);
    await quiet(fixture);
    await recordUse(`${name} with its whole event chain (load + drain)`, row.requests ?? 0, started);
  }
}
if (chosen.has('email')) rows.push(await bookingToEmail(fixture, 2_000_000));
if (chosen.has('import')) {
  // A clinic moving in: BENCH_IMPORT_PATIENTS (20,000) patients through the API, then every
  // chain (billing accounts, welcome emails, analytics) drained.
  const count = Number(process.env.BENCH_IMPORT_PATIENTS ?? 20_000);
  const started = await mark();
  const startedAt = Date.now();
  const imported = await load('import patients (bulk)', fixture, { ...patientCreations(), amount: count }, { rps: 1000, p99: 100 });
  rows.push(imported);
  const drainMs = await quiet(fixture);
  const totalMs = Date.now() - startedAt;
  await recordUse('import with every chain drained', imported.requests ?? 0, started);
  rows.push({ scenario: `${count} patients imported, chains drained (ms)`, requestsPerSecond: NaN, p50: NaN, p97_5: drainMs, p99: totalMs, errors: 0, non2xx: 0, target: '≤ 60000 ms', met: totalMs <= 60_000 });
}
let atRest: RestLatency[] | undefined;
if (chosen.has('rest')) {
  // One user, one request at a time: spaced 1 s apart (the chain drained), then back to back.
  atRest = await latencyAtRest(fixture, { samples: Number(process.env.BENCH_REST_SAMPLES ?? 30), spacedMs: 1_000, firstSlot: 2_001_000 });
}

console.table(rows.map((row) => ({ ...row, p97_5: row.p97_5 })));
console.log('idle RSS (MB), target ≤ 100 each:', memory);
console.log('CPU per request (µs) by process group, from /proc utime+stime:');
console.table(Object.fromEntries(cpuUse.map((use) => [use.scenario, { total: use.totalPerRequestUs, ...use.perRequestUs }])));
if (statementCounter) {
  console.log('PostgreSQL statements (round trips) per request by database, from pg_stat_statements:');
  console.table(Object.fromEntries(cpuUse.map((use) => [use.scenario, use.statementsPerRequest ?? {}])));
  await statementCounter.close();
}
console.log('events per fetch batch, per consumer transaction and per relay round, by service:');
for (const use of cpuUse.filter((entry) => entry.flow && Object.keys(entry.flow).length > 0)) {
  console.log(`  ${use.scenario}`);
  console.table(use.flow);
}
if (atRest) {
  console.log('latency at rest, one request at a time (ms):');
  console.table(atRest);
}
const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version };
const file = join(import.meta.dirname, 'results', `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), machine, connections, durationSeconds: duration, rows, idleRssMb: memory, cpuUse, atRest }, null, 2));
console.log(`written ${file}`);
if (profiled) {
  console.log('stopping the system so every service writes its profile…');
  await profiled.stop();
  const summaries = printProfiles(profiled.dir);
  writeFileSync(join(profiled.dir, 'summary.json'), JSON.stringify(summaries, null, 2));
  console.log(`profiles and summary.json in ${profiled.dir}`);
}
