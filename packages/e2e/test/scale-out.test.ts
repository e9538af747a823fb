import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { demoDefaults, type RunningSystem, type ServiceName } from '@pms/devstack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayClient, type GatewayClient } from '../src/client.js';
import { startTestSystem, type TestSystem } from '../src/system.js';

// Issue 25: every service runs as several processes, balanced the way a cluster balances them:
// the gateway over a list of replicas per upstream, gRPC clients round robin over an `ipv4:`
// target naming every replica (the local form of `dns:///patient-grpc:9080`).
const extraReplicas = { auth: 1, patient: 2, doctor: 1, appointment: 1, billing: 1, notification: 1, analytics: 1 } as const;
const restartOrder = Object.keys(extraReplicas) as (keyof typeof extraReplicas)[];

let system: RunningSystem;
let api: GatewayClient;
let admin: string;
let running: TestSystem;
/** Where the test counts invoices and emails. */
let databases: TestSystem['databases'];

beforeAll(async () => {
  running = await startTestSystem(
    'scale',
    {
      RATE_LIMIT_MAX: '0',
      // A stopping process stays in service, readiness red, long enough for the gateway's
      // health checks (every 250 ms) to take it out of rotation.
      SHUTDOWN_DRAIN_MS: '1500',
      UPSTREAM_HEALTH_INTERVAL_MS: '250',
      // Fifteen processes on two shared cores: calls may wait far longer than on an idle machine.
      UPSTREAM_TIMEOUT_MS: '30000',
      GRPC_DEADLINE_MS: '10000',
      BILLING_DEADLINE_MS: '10000',
      PATIENT_GRPC_DEADLINE_MS: '10000',
    },
    { replicas: extraReplicas, balanced: true, databases: ['billing', 'notification'], readyTimeoutMs: 180_000 },
  );
  ({ system, databases } = running);
  api = gatewayClient(system.gatewayUrl, 40_000);
  admin = await api.login(demoDefaults.ADMIN_EMAIL, demoDefaults.ADMIN_PASSWORD);
});

afterAll(() => running?.stop());

/** getPatient calls each patient process has answered (its /metrics). */
async function getPatientCalls(): Promise<number[]> {
  const urls = [system.urls.patient, ...(system.replicaSets.patient ?? []).map((replica) => replica.url)];
  return Promise.all(
    urls.map(async (url) => {
      const text = await fetch(`${url}/metrics`).then((response) => response.text(), () => '');
      return Number(/pms_grpc_server_calls_total\{[^}]*method="getPatient"[^}]*\} (\d+)/.exec(text)?.[1] ?? 0);
    }),
  );
}

interface Slot {
  doctorId: string;
  startsAt: string;
}
interface Booked extends Slot {
  id: string;
  patientId: string;
}

async function doctorsWithFreeWeek(count: number): Promise<Slot[]> {
  const hours = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '08:00', end: '18:00' }));
  const from = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const to = new Date(Date.now() + 8 * 86_400_000).toISOString().slice(0, 10);
  const slots: Slot[] = [];
  for (let n = 0; n < count; n++) {
    const doctor = await api.post('/api/doctors', { name: `Dr. Scale ${n}`, email: `scale-${randomUUID().slice(0, 8)}@scale.example`, specialty: 'CARDIOLOGY' }, admin);
    expect(doctor.status, JSON.stringify(doctor.body)).toBe(201);
    expect((await api.put(`/api/doctors/${doctor.body.id}/schedule`, { timeZone: 'UTC', slotMinutes: 30, hours }, admin)).status).toBe(200);
    const { body } = await api.get(`/api/doctors/${doctor.body.id}/availability?from=${from}T00:00:00Z&to=${to}T00:00:00Z`, admin);
    slots.push(...body.slots.map((slot: { startsAt: string }) => ({ doctorId: doctor.body.id, startsAt: slot.startsAt })));
  }
  // Interleaved by time: consecutive bookings go to different doctors.
  return slots.sort((a, b) => a.startsAt.localeCompare(b.startsAt) || a.doctorId.localeCompare(b.doctorId));
}

async function patientsNamed(label: string, count: number): Promise<{ id: string; email: string }[]> {
  const created = [];
  for (let n = 0; n < count; n++) {
    const email = `${label}-${n}-${randomUUID().slice(0, 8)}@scale.example`;
    const patient = await api.post('/api/patients', { name: `Scale ${label} ${n}`, email, dateOfBirth: '1980-05-06' }, admin);
    expect(patient.status, JSON.stringify(patient.body)).toBe(201);
    created.push({ id: patient.body.id as string, email });
  }
  return created;
}

describe('three patient replicas behind one gRPC target', () => {
  it('spreads appointment\'s calls over all three, and goes on without a failure when one is killed', async () => {
    const slots = await doctorsWithFreeWeek(2);
    const patients = await patientsNamed('grpc', 4);
    const book = async (k: number) => {
      const slot = slots[k]!;
      const booked = await api.post('/api/appointments', { patientId: patients[k % patients.length]!.id, ...slot, reason: 'scale-out' }, admin);
      expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    };
    const before = await getPatientCalls();
    for (let k = 0; k < 12; k++) await book(k);
    const spread = (await getPatientCalls()).map((calls, i) => calls - before[i]!);
    expect(spread.every((calls) => calls > 0), `getPatient calls per replica: ${spread.join(', ')}`).toBe(true);

    const victim = system.replicaSets.patient![1]!.process;
    process.kill(victim.pid, 'SIGKILL');
    expect(await victim.exited).toBe('SIGKILL');
    for (let k = 12; k < 24; k++) await book(k);
    const after = await getPatientCalls();
    expect(after[0]! + after[1]!).toBeGreaterThan(before[0]! + before[1]! + spread[0]! + spread[1]!);
    // Back to three for the rolling restart below.
    await system.restart('patient', 2);
  });
});

describe('a rolling restart of every service under load', () => {
  const booked: Booked[] = [];
  const failures: string[] = [];
  let reads = 0;

  it('restarts every process one at a time with no failed request', async () => {
    const slots = await doctorsWithFreeWeek(5);
    const patients = await patientsNamed('rolling', 12);
    let stop = false;
    let next = 0;
    const record = (what: string, status: number, body: unknown) => failures.push(`${what}: ${status} ${JSON.stringify(body).slice(0, 200)}`);
    const bookings = async () => {
      while (!stop && next < slots.length) {
        const k = next++;
        const slot = slots[k]!;
        const patient = patients[k % patients.length]!;
        const answer = await api
          .post('/api/appointments', { patientId: patient.id, ...slot, reason: 'rolling' }, admin)
          .catch((error: Error) => ({ status: 0, body: error.message }));
        if (answer.status === 201) booked.push({ id: answer.body.id, patientId: patient.id, ...slot });
        else record(`booking ${k}`, answer.status, answer.body);
        await sleep(1_000);
      }
    };
    const readsLoop = async () => {
      while (!stop) {
        const patient = patients[reads % patients.length]!;
        const answer = await api.get(`/api/patients/${patient.id}`, admin).catch((error: Error) => ({ status: 0, body: error.message }));
        reads++;
        if (answer.status !== 200) record(`read ${patient.id}`, answer.status, answer.body);
        await sleep(50);
      }
    };
    // Steady, not flat out: about 2 bookings and 15 reads a second, which the two shared cores
    // serve beside fifteen processes restarting (flat out, services shed load with 503s).
    const load = Promise.all([bookings(), bookings(), readsLoop()]);
    const restarted: string[] = [];
    for (const name of restartOrder as ServiceName[]) {
      for (let index = 0; index <= extraReplicas[name as keyof typeof extraReplicas]; index++) {
        const started = Date.now();
        await system.restart(name, index);
        restarted.push(`${name}#${index} ${Date.now() - started} ms`);
      }
    }
    // The load ran through the last restart: slots were left.
    expect(next).toBeLessThan(slots.length);
    stop = true;
    await load;
    console.info(`restarted: ${restarted.join(', ')}; ${booked.length} bookings and ${reads} reads meanwhile`);
    expect(restarted).toHaveLength(restartOrder.length + Object.values(extraReplicas).reduce((sum, n) => sum + n, 0));
    expect(failures).toEqual([]);
    expect(booked.length).toBeGreaterThan(20);
    expect(reads).toBeGreaterThan(50);
  });

  it('every booking has exactly one invoice, one confirmation email and one analytics count', async () => {
    const ids = booked.map((booking) => booking.id);
    await expect
      .poll(async () => (await databases.billing!<{ n: number }[]>`select count(*)::int as n from invoices where appointment_id = any(${ids}::uuid[])`)[0]!.n, {
        timeout: 120_000,
        interval: 500,
      })
      .toBe(ids.length);
    const invoices = await databases.billing!<{ appointment_id: string }[]>`select appointment_id from invoices where appointment_id = any(${ids}::uuid[])`;
    expect(invoices.map((row) => row.appointment_id).sort()).toEqual([...ids].sort());

    const confirmations = async () =>
      (await databases.notification!<{ n: number }[]>`
        select count(*)::int as n from notifications where status = 'SENT' and subject like 'Appointment confirmed%'
          and recipient in (select distinct email from patient_contacts where patient_id = any(${[...new Set(booked.map((b) => b.patientId))]}::uuid[]))`)[0]!.n;
    await expect.poll(confirmations, { timeout: 120_000, interval: 500 }).toBe(ids.length);

    const from = new Date(Date.now() - 86_400_000).toISOString();
    const to = new Date(Date.now() + 10 * 86_400_000).toISOString();
    const byDoctor = new Map<string, number>();
    for (const booking of booked) byDoctor.set(booking.doctorId, (byDoctor.get(booking.doctorId) ?? 0) + 1);
    await expect
      .poll(
        async () => {
          const { body } = await api.get(`/api/analytics/summary?from=${from}&to=${to}`, admin);
          return Object.fromEntries(
            [...byDoctor.keys()].map((doctorId) => [doctorId, body.byDoctor.find((row: { doctorId: string }) => row.doctorId === doctorId)?.appointmentsBooked ?? 0]),
          );
        },
        { timeout: 120_000, interval: 1_000 },
      )
      .toEqual(Object.fromEntries(byDoctor));
  });
});
