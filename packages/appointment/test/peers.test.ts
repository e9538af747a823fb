import { createTestTokenIssuer } from '@pms/platform/testing';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PeerDoubles } from './support/doubles.js';
import { at, startService, traceOfPatient, usersOf, type TestService } from './support/harness.js';

/**
 * A peer that is down or slow turns into a quick 503, with nothing written and nothing
 * emitted. Three apps share one database: one with both peers up (slow ones are doubles that
 * stall), and one each with patient or doctor pointing at a port nobody listens on.
 */
const issuer = createTestTokenIssuer();
const staff = usersOf(issuer).staff();
const peers = new PeerDoubles();
const deadlineMs = 300;
let healthy: TestService;
let patientDown: TestService;
let doctorDown: TestService;

beforeAll(async () => {
  await peers.start();
  const deadAddress = `127.0.0.1:${await unusedPort()}`;
  healthy = await startService({ patientUrl: peers.patientUrl, doctorUrl: peers.doctorUrl, issuer, deadlineMs });
  const shared = { issuer, deadlineMs, databaseUrl: healthy.databaseUrl };
  [patientDown, doctorDown] = await Promise.all([
    startService({ ...shared, patientUrl: deadAddress, doctorUrl: peers.doctorUrl }),
    startService({ ...shared, patientUrl: peers.patientUrl, doctorUrl: deadAddress }),
  ]);
});
afterAll(async () => {
  await Promise.all([healthy, patientDown, doctorDown].map((service) => service?.close()));
  await peers.stop();
});

async function bookThrough(service: TestService, patientId: string, doctorId: string) {
  const started = performance.now();
  const response = await service.app.inject({
    method: 'POST',
    url: '/api/appointments',
    headers: staff.headers,
    payload: { patientId, doctorId, startsAt: at(0) },
  });
  return { response, elapsedMs: performance.now() - started };
}

describe('a peer that is slow or down', () => {
  const cases = [
    ['patient is slow', () => healthy, () => peers.addPatient({ slow: true }).id, () => peers.addDoctor().id, 'DEPENDENCY_TIMEOUT'],
    ['doctor is slow', () => healthy, () => peers.addPatient().id, () => peers.addDoctor({ slow: true }).id, 'DEPENDENCY_TIMEOUT'],
    ['patient is down', () => patientDown, () => peers.addPatient().id, () => peers.addDoctor().id, 'DEPENDENCY_UNAVAILABLE'],
    ['doctor is down', () => doctorDown, () => peers.addPatient().id, () => peers.addDoctor().id, 'DEPENDENCY_UNAVAILABLE'],
  ] as const;

  it.each(cases)('answers a quick 503 when %s, writing and emitting nothing', async (_case, service, patient, doctor, code) => {
    const patientId = patient();
    const { response, elapsedMs } = await bookThrough(service(), patientId, doctor());

    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ statusCode: 503, code });
    expect(elapsedMs).toBeLessThan(deadlineMs + 1_000);
    expect(await traceOfPatient(healthy.database, patientId)).toEqual({ rows: 0, events: 0 });
  });

  it('books again as soon as the peers answer', async () => {
    const { response } = await bookThrough(healthy, peers.addPatient().id, peers.addDoctor().id);
    expect(response.statusCode).toBe(201);
  });

  it('reports the peer that is down in readiness, and keeps serving reads', async () => {
    const { response } = await bookThrough(healthy, peers.addPatient().id, peers.addDoctor().id);
    const ready = await doctorDown.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().checks).toMatchObject({ database: 'ok', kafka: 'ok', patient: 'ok' });
    expect(ready.json().checks.doctor).toMatch(/doctor/i);
    const read = await doctorDown.app.inject({ method: 'GET', url: `/api/appointments/${response.json().id}`, headers: staff.headers });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(response.json());
  });
});

/** A port nothing listens on: bound once by the OS, then released. */
function unusedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}
