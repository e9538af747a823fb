import { createTestTokenIssuer } from '@pms/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PeerDoubles } from './support/doubles.js';
import { at, startService, usersOf, type TestService } from './support/harness.js';

// A 400 names the field the client sent: an instant whose derived end no one can represent blames
// startsAt, not endsAt; input PostgreSQL cannot store is refused at the edge (issue 10 #3).
const issuer = createTestTokenIssuer();
const staff = usersOf(issuer).staff();
const peers = new PeerDoubles();
let service: TestService;

beforeAll(async () => {
  await peers.start();
  service = await startService({ patientUrl: peers.patientUrl, doctorUrl: peers.doctorUrl, issuer });
});
afterAll(async () => {
  await service?.app.close();
  await peers.stop();
});

const fieldsOf = (body: { details?: { field: string }[] }) => [...new Set((body.details ?? []).map((d) => d.field))].sort();
const send = (method: 'GET' | 'POST', url: string, payload?: object) =>
  service.app.inject({ method, url, headers: staff.headers, ...(payload ? { payload } : {}) });

describe('input no one can store', () => {
  it('blames startsAt for a booking or a reschedule at the end of year 9999', async () => {
    const patient = peers.addPatient();
    const doctor = peers.addDoctor();
    const booking = await send('POST', '/api/appointments', { patientId: patient.id, doctorId: doctor.id, startsAt: '9999-12-31T23:30:00Z' });
    expect([booking.statusCode, fieldsOf(booking.json())]).toEqual([400, ['startsAt']]);

    const booked = await send('POST', '/api/appointments', { patientId: patient.id, doctorId: doctor.id, startsAt: at(600) });
    expect(booked.statusCode).toBe(201);
    const moved = await send('POST', `/api/appointments/${booked.json().id}/reschedule`, { startsAt: '9999-12-31T23:30:00Z' });
    expect([moved.statusCode, fieldsOf(moved.json())]).toEqual([400, ['startsAt']]);
  });

  it('refuses a NUL character in a reason', async () => {
    const response = await send('POST', '/api/appointments', {
      patientId: peers.addPatient().id,
      doctorId: peers.addDoctor().id,
      startsAt: at(660),
      reason: 'a\u0000b',
    });
    expect([response.statusCode, fieldsOf(response.json())]).toEqual([400, ['reason']]);
  });

  it('refuses a list window from year 0000', async () => {
    const response = await send('GET', '/api/appointments?from=0000-01-01T00:00:00Z');
    expect([response.statusCode, fieldsOf(response.json())]).toEqual([400, ['from']]);
  });
});
