import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, doctorBody, failingFields, startDoctor, type DoctorHarness } from './support.js';

// Input PostgreSQL cannot store (a NUL character, year 0000) is a 400 naming the field the client
// sent, never a 500 from the database (issue 10 #3).
let doctor: DoctorHarness;
let doctorId: string;
const admin = as('admin');

beforeAll(async () => {
  doctor = await startDoctor();
  const created = await doctor.app.inject({ method: 'POST', url: '/api/doctors', headers: admin, payload: doctorBody() });
  expect(created.statusCode).toBe(201);
  doctorId = created.json().id;
});
afterAll(() => doctor?.close());

const send = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
  doctor.app.inject({ method, url, headers: admin, ...(payload ? { payload } : {}) });

describe('input the database cannot store', () => {
  it('refuses a NUL character in a doctor name, on create and update', async () => {
    const created = await send('POST', '/api/doctors', doctorBody({ name: 'Dr. a\u0000b' }));
    expect([created.statusCode, failingFields(created.json())]).toEqual([400, ['name']]);
    const updated = await send('PUT', `/api/doctors/${doctorId}`, doctorBody({ name: 'Dr. a\u0000b' }));
    expect([updated.statusCode, failingFields(updated.json())]).toEqual([400, ['name']]);
  });

  it('refuses a NUL character in the search query', async () => {
    const response = await send('GET', '/api/doctors?q=a%00b');
    expect([response.statusCode, failingFields(response.json())]).toEqual([400, ['q']]);
  });

  it('refuses a NUL character in a time-off reason, and a time off starting in year 0000 or at the end of 9999', async () => {
    const url = `/api/doctors/${doctorId}/time-off`;
    const nul = await send('POST', url, { startsAt: '2030-01-01T10:00:00Z', endsAt: '2030-01-01T12:00:00Z', reason: 'a\u0000b' });
    expect([nul.statusCode, failingFields(nul.json())]).toEqual([400, ['reason']]);
    const yearZero = await send('POST', url, { startsAt: '0000-01-01T00:00:00Z', endsAt: '2030-01-01T12:00:00Z' });
    expect([yearZero.statusCode, failingFields(yearZero.json())]).toEqual([400, ['startsAt']]);
    const late = await send('POST', url, { startsAt: '9999-12-31T23:30:00Z', endsAt: '9999-12-31T23:45:00Z' });
    expect([late.statusCode, failingFields(late.json())]).toEqual([400, ['endsAt', 'startsAt']]);
  });

  it('blames `from`, not `to`, for availability and time off from year 0000', async () => {
    for (const path of ['availability', 'time-off']) {
      const response = await send('GET', `/api/doctors/${doctorId}/${path}?from=0000-01-01T00:00:00Z&to=2030-01-02T00:00:00Z`);
      expect([path, response.statusCode, failingFields(response.json())]).toEqual([path, 400, ['from']]);
    }
  });
});

describe('the clinic floor’s input', () => {
  it('answers every broken location, room and device write with 400 naming the field, never a 500', async () => {
    const location = await send('POST', '/api/locations', { name: 'Input site', timeZone: 'UTC' });
    expect(location.statusCode).toBe(201);
    const room = await send('POST', '/api/rooms', { name: 'Input room', kind: 'EXAM', locationId: location.json().id });
    expect(room.statusCode).toBe(201);
    const cases: ['POST' | 'PUT', string, object, string][] = [
      ['POST', '/api/locations', { name: 'a\u0000b', timeZone: 'UTC' }, 'name'],
      ['POST', '/api/locations', { name: 'Site', address: 'x'.repeat(501), timeZone: 'UTC' }, 'address'],
      ['PUT', `/api/locations/${location.json().id}`, { name: 'Site', timeZone: 'UTC\u0000' }, 'timeZone'],
      ['PUT', `/api/locations/${location.json().id}`, { name: 'Site', timeZone: 'UTC', openingHours: [{ weekday: 8, start: '09:00', end: '17:00' }] }, 'openingHours.0.weekday'],
      ['PUT', `/api/locations/${location.json().id}`, { name: 'Site', timeZone: 'UTC', openingHours: [{ weekday: 1, start: '17:00', end: '09:00' }] }, 'openingHours.0.end'],
      ['POST', '/api/rooms', { name: 'Room', kind: 'EXAM\u0000', locationId: location.json().id }, 'kind'],
      ['PUT', `/api/rooms/${room.json().id}`, { name: 'Room', kind: 'EXAM', locationId: 'nowhere' }, 'locationId'],
      ['POST', '/api/equipment', { name: 'Scanner', kind: 'ECG', capacity: 1e308 }, 'capacity'],
      ['POST', `/api/rooms/${room.json().id}/time-off`, { startsAt: '0000-01-01T00:00:00Z', endsAt: '2030-01-01T12:00:00Z' }, 'startsAt'],
      ['POST', `/api/equipment/${room.json().id}/time-off`, { startsAt: '2030-01-01T10:00:00Z', endsAt: '2030-01-01T12:00:00Z', reason: 'a\u0000b' }, 'reason'],
    ];
    for (const [method, url, payload, field] of cases) {
      const response = await send(method, url, payload);
      expect([url, response.statusCode, response.json().code, failingFields(response.json())], JSON.stringify(payload)).toEqual([url, 400, 'VALIDATION_FAILED', [field]]);
    }
    for (const url of ['/api/rooms?locationId=a%00b', '/api/equipment?kind=%00', `/api/rooms/${room.json().id}/time-off?from=0000-01-01T00:00:00Z`]) {
      expect((await send('GET', url)).statusCode, url).toBe(400);
    }
  });
});
