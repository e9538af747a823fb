import { randomUUID } from 'node:crypto';
import { demoDefaults, serviceNames, type RunningSystem } from '@pms/devstack';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { casesFor, type FuzzCase } from '../src/fuzz/cases.js';
import { operationsOf, type OpenApiDocument, type Operation } from '../src/fuzz/openapi.js';
import { describe as describeProblem, sample, seededRandom, sendAll, shuffled, verdict, type Outcome } from '../src/fuzz/run.js';
import type { Fixtures } from '../src/fuzz/values.js';
import { gatewayClient } from '../src/client.js';
import { eventually } from '../src/eventually.js';
import { startTestSystem, type TestSystem } from '../src/system.js';

// Every operation of every service's /openapi.json, broken one field at a time (wrong types, NUL
// bytes, huge strings, dates no database holds, deep nesting, path tricks), as an admin and as a
// patient, through the gateway. A bounded, seeded run: FUZZ_SEED=<n> replays another selection.
const seed = Number(process.env.FUZZ_SEED ?? 20_261_130);
const casesPerOperation = 36;
const timeoutMs = 8_000;

let running: TestSystem;
let system: RunningSystem;

beforeAll(async () => {
  // The gateway's per-address limit would turn most of the run into 429s.
  running = await startTestSystem('fuzz', { RATE_LIMIT_MAX: '0' });
  system = running.system;
});

afterAll(() => running?.stop());

/** Ids of real records, so broken requests get past "not found" into the code that stores them. */
async function createFixtures(admin: string): Promise<Fixtures> {
  const api = gatewayClient(system.gatewayUrl);
  const unique = () => `fuzz-${randomUUID().slice(0, 12)}@fuzz.example`;
  const doctor = await api.post('/api/doctors', { name: 'Dr. Fuzz', email: unique(), specialty: 'NEUROLOGY' }, admin);
  expect(doctor.status, JSON.stringify(doctor.body)).toBe(201);
  const doctorId: string = doctor.body.id;
  const hours = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '06:00', end: '20:00' }));
  expect((await api.put(`/api/doctors/${doctorId}/schedule`, { timeZone: 'Europe/Berlin', slotMinutes: 30, hours }, admin)).status).toBe(200);
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  const timeOff = await api.post(`/api/doctors/${doctorId}/time-off`, { startsAt: `${day(5)}T10:00:00Z`, endsAt: `${day(5)}T12:00:00Z` }, admin);
  expect(timeOff.status).toBe(201);
  const patient = await api.post('/api/patients', { name: 'Fuzz Patient', email: unique(), dateOfBirth: '1980-01-01' }, admin);
  expect(patient.status, JSON.stringify(patient.body)).toBe(201);
  const patientId: string = patient.body.id;
  // The first booking warms the gRPC channels to patient and doctor; on a loaded machine it may
  // meet a deadline (503), which is what a client would retry too.
  const booking = await eventually('fixture booking', async () => {
    const answer = await api.post('/api/appointments', { patientId, doctorId, startsAt: `${day(1)}T10:00:00Z` }, admin);
    return answer.status === 503 ? undefined : answer;
  });
  expect(booking.status, JSON.stringify(booking.body)).toBe(201);
  const invoiceId = await eventually('invoice of the fixture booking', async () => {
    const { body } = await api.get(`/api/billing/invoices?patientId=${patientId}`, admin);
    return (body.items as { id: string }[] | undefined)?.[0]?.id;
  });
  // The clinic floor: a location, a room there and a device, so its routes get past "not found".
  const location = await api.post('/api/locations', { name: 'Fuzz site', timeZone: 'Europe/Berlin', openingHours: [{ weekday: 1, start: '08:00', end: '18:00' }] }, admin);
  expect(location.status, JSON.stringify(location.body)).toBe(201);
  const room = await api.post('/api/rooms', { name: 'Fuzz room', kind: 'EXAM', locationId: location.body.id }, admin);
  expect(room.status, JSON.stringify(room.body)).toBe(201);
  const equipment = await api.post('/api/equipment', { name: 'Fuzz scanner', kind: 'ULTRASOUND' }, admin);
  expect(equipment.status, JSON.stringify(equipment.body)).toBe(201);
    // A user of its own: disabling or deleting it must not end the admin's session mid-run.
  const user = await api.post('/auth/users', { email: unique(), password: 'fuzz-password-1', role: 'staff' }, admin);
  expect(user.status, JSON.stringify(user.body)).toBe(201);
  return {
    ids: {
      doctorId,
      patientId,
      appointmentId: booking.body.id,
      invoiceId,
      timeOffId: timeOff.body.id,
      userId: user.body.id,
      locationId: location.body.id,
      roomId: room.body.id,
      equipmentId: equipment.body.id,
    },
    uniqueEmail: unique,
    startsAt: `${day(2)}T12:00:00Z`,
  };
}

async function patientToken(): Promise<string> {
  const api = gatewayClient(system.gatewayUrl);
  const email = `fuzz-patient-${randomUUID().slice(0, 8)}@fuzz.example`;
  expect((await api.post('/auth/register', { email, password: 'fuzz-password-1', name: 'Fuzz Patient' })).status).toBe(201);
  return api.login(email, 'fuzz-password-1');
}

/** Requests that end the caller's own session or delete the fixtures go last. */
const phaseOf = (operation: Operation) => (/logout/.test(operation.path) ? 2 : operation.method === 'DELETE' ? 1 : 0);

it('answers every broken request of every operation without a 5xx or a hang, and every 400 names the field', async () => {
  const api = gatewayClient(system.gatewayUrl);
  const tokens = { admin: await api.login(demoDefaults.ADMIN_EMAIL, demoDefaults.ADMIN_PASSWORD), patient: await patientToken() };
  const fixtures = await createFixtures(tokens.admin);
  // The gateway documents only its proxy routes: the services behind it document the operations.
  const services = serviceNames.filter((name) => name !== 'gateway');
  const operations = (
    await Promise.all(
      services.map(async (service) => {
        const response = await fetch(`${system.urls[service]}/openapi.json`);
        expect(response.status, `${service} /openapi.json`).toBe(200);
        return operationsOf(service, (await response.json()) as OpenApiDocument);
      }),
    )
  ).flat();
  // Every service documents its routes; a service with none would make this run prove nothing.
  for (const service of services) {
    expect(operations.some((op) => op.service === service), `${service} has operations`).toBe(true);
  }

  const random = seededRandom(seed);
  const jobsOf = (phase: number) =>
    shuffled(
      operations
        .filter((op) => phaseOf(op) === phase)
        .flatMap((op) => {
          const cases = sample(casesFor(op, fixtures), casesPerOperation, random);
          return Object.entries(tokens).flatMap(([identity, token]) => cases.map((fuzzCase) => ({ fuzzCase, identity, token })));
        }),
      random,
    );
  // Through the gateway when it routes the path, else straight to the service.
  const baseUrlOf = (fuzzCase: FuzzCase) =>
    /^\/(api|auth)\//.test(fuzzCase.operation.path) ? system.gatewayUrl : system.urls[fuzzCase.operation.service as keyof typeof system.urls];

  const started = Date.now();
  const outcomes: Outcome[] = [];
  for (const phase of [0, 1, 2]) outcomes.push(...(await sendAll(baseUrlOf, jobsOf(phase), { concurrency: 8, timeoutMs })));
  const seconds = (Date.now() - started) / 1000;
  const slowest = [...outcomes].sort((a, b) => b.answer.ms - a.answer.ms).slice(0, 3);

  const baselineWas400 = new Set(
    outcomes
      .filter((o) => o.fuzzCase.label === 'valid baseline' && o.answer.status === 400)
      .map((o) => `${o.identity} ${o.fuzzCase.method} ${o.fuzzCase.operation.path}`),
  );
  const problems = outcomes.flatMap((outcome) => {
    const problem = verdict(outcome, baselineWas400.has(`${outcome.identity} ${outcome.fuzzCase.method} ${outcome.fuzzCase.operation.path}`));
    return problem ? [describeProblem(outcome, problem)] : [];
  });
  const statusCounts = outcomes.reduce<Record<number, number>>((counts, o) => ({ ...counts, [o.answer.status]: (counts[o.answer.status] ?? 0) + 1 }), {});
  console.info(
    `fuzz seed ${seed}: ${outcomes.length} requests, ${operations.length} operations, ${seconds.toFixed(1)} s; statuses ${JSON.stringify(statusCounts)}; ` +
      `baselines answered 400: ${[...baselineWas400].join('; ') || 'none'}; ` +
      `slowest: ${slowest.map((o) => `${o.fuzzCase.method} ${o.fuzzCase.operation.path} [${o.fuzzCase.label}] ${o.answer.ms} ms`).join('; ')}`,
  );

  // The floor's routes (issue 22) are in the run, and their valid baselines got through to storage:
  // a 400 or 404 there would mean every broken variant was turned away before the code that stores it.
  const floorWrites = ['POST /api/locations', 'PUT /api/locations/{id}', 'POST /api/rooms', 'PUT /api/rooms/{id}', 'POST /api/equipment', 'PUT /api/equipment/{id}', 'POST /api/rooms/{id}/time-off'];
  const baselines = new Map(
    outcomes.filter((o) => o.identity === 'admin' && o.fuzzCase.label === 'valid baseline').map((o) => [`${o.fuzzCase.method} ${o.fuzzCase.operation.path}`, o.answer.status]),
  );
  expect(floorWrites.map((write) => [write, baselines.get(write)])).toEqual(floorWrites.map((write) => [write, expect.toSatisfy((status: number) => status >= 200 && status < 300)]));
  // The run reached the services: an admin's /api requests were not all turned away at the door.
  const adminApi = outcomes.filter((o) => o.identity === 'admin' && o.fuzzCase.path.startsWith('/api/'));
  expect(adminApi.filter((o) => o.answer.status === 401)).toHaveLength(0);
  expect(outcomes.length).toBeGreaterThan(1_000);
  expect(problems, problems.slice(0, 60).join('\n')).toEqual([]);
}, 240_000);
