import { status, type ServiceError } from '@grpc/grpc-js';
import { doctorGrpc } from '@pms/contracts';
import { AppError, createGrpcClient, type GrpcClient } from '@pms/platform';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, doctorBody, startDoctor, type DoctorHarness } from './support.js';

let doctor: DoctorHarness;
let client: GrpcClient<typeof doctorGrpc.DoctorServiceService>;

beforeAll(async () => {
  doctor = await startDoctor();
  client = createGrpcClient(doctorGrpc.DoctorServiceClient, doctor.grpcAddress, { peerName: 'doctor' });
});
afterAll(async () => {
  client?.close();
  await doctor?.close();
});

const admin = as('admin');
const requestId = 'grpc-test';

async function createDoctor(overrides: Record<string, unknown> = {}) {
  const response = await doctor.app.inject({ method: 'POST', url: '/api/doctors', headers: admin, payload: doctorBody(overrides) });
  expect(response.statusCode).toBe(201);
  return response.json() as { id: string; name: string; email: string; specialty: string };
}

/** The rejection of a call, with the gRPC status the server sent. */
async function failure(call: Promise<unknown>): Promise<{ error: AppError; code: status }> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  return { error: error as AppError, code: ((error as AppError).cause as ServiceError).code };
}

describe('GetDoctor', () => {
  it('returns the doctor, a missing phone as an empty string', async () => {
    const created = await createDoctor({ phone: null, specialty: 'NEUROLOGY' });
    const response = await client.call('getDoctor', { id: created.id }, { requestId });
    expect(response.doctor).toEqual({
      id: created.id,
      name: created.name,
      email: created.email,
      phone: '',
      specialty: 'NEUROLOGY',
      active: true,
      timeZone: 'UTC',
    });
  });

  it('answers NOT_FOUND for an unknown id and INVALID_ARGUMENT for a malformed one', async () => {
    const missing = await failure(client.call('getDoctor', { id: randomUUID() }, { requestId }));
    expect(missing.code).toBe(status.NOT_FOUND);
    expect(missing.error.code).toBe('DOCTOR_NOT_FOUND');
    const malformed = await failure(client.call('getDoctor', { id: 'doctor-1' }, { requestId }));
    expect(malformed.code).toBe(status.INVALID_ARGUMENT);
    expect(malformed.error.details?.map((d) => d.field)).toEqual(['id']);
  });
});

describe('CheckAvailability', () => {
  // Mondays 09:00–12:00 in Berlin, 30-minute slots. 2026-11-30 is a Monday (CET, +01:00).
  const schedule = { timeZone: 'Europe/Berlin', slotMinutes: 30, hours: [{ weekday: 1, start: '09:00', end: '12:00' }] };
  let doctorId: string;
  const check = (startsAt: string, endsAt: string, id = doctorId) =>
    client.call('checkAvailability', { doctorId: id, startsAt, endsAt, required: [] }, { requestId });

  beforeAll(async () => {
    doctorId = (await createDoctor({ specialty: 'PSYCHIATRY' })).id;
    const put = await doctor.app.inject({ method: 'PUT', url: `/api/doctors/${doctorId}/schedule`, headers: admin, payload: schedule });
    expect(put.statusCode).toBe(200);
    const timeOff = await doctor.app.inject({
      method: 'POST',
      url: `/api/doctors/${doctorId}/time-off`,
      headers: admin,
      payload: { startsAt: '2026-12-07T00:00:00+01:00', endsAt: '2026-12-07T10:00:00+01:00', reason: 'Dentist' },
    });
    expect(timeOff.statusCode).toBe(201);
  });

  it('says available for a slot on the grid inside the working hours, with the doctor', async () => {
    const response = await check('2026-11-30T09:30:00+01:00', '2026-11-30T10:00:00+01:00');
    expect(response).toMatchObject({ available: true, reason: '', doctor: { id: doctorId, specialty: 'PSYCHIATRY', timeZone: 'Europe/Berlin' } });
    // Several slots at once, given in UTC.
    expect((await check('2026-11-30T10:00:00Z', '2026-11-30T11:00:00Z')).available).toBe(true);
  });

  it('says OUTSIDE_SCHEDULE outside the hours, across the end of a block, off the slot grid or on a day off', async () => {
    for (const [startsAt, endsAt] of [
      ['2026-11-30T08:30:00+01:00', '2026-11-30T09:00:00+01:00'],
      ['2026-11-30T11:30:00+01:00', '2026-11-30T12:30:00+01:00'],
      ['2026-11-30T09:10:00+01:00', '2026-11-30T09:40:00+01:00'],
      ['2026-12-01T09:00:00+01:00', '2026-12-01T09:30:00+01:00'],
    ]) {
      const response = await check(startsAt!, endsAt!);
      expect(response, startsAt).toMatchObject({ available: false, reason: 'OUTSIDE_SCHEDULE', doctor: { id: doctorId } });
    }
  });

  it('says TIME_OFF when time off overlaps, and available right after it', async () => {
    expect(await check('2026-12-07T09:30:00+01:00', '2026-12-07T10:00:00+01:00')).toMatchObject({ available: false, reason: 'TIME_OFF' });
    expect(await check('2026-12-07T10:00:00+01:00', '2026-12-07T10:30:00+01:00')).toMatchObject({ available: true, reason: '' });
  });

  it('says UNKNOWN_DOCTOR without a doctor, and INACTIVE for a deactivated one', async () => {
    const unknown = await check('2026-11-30T09:30:00+01:00', '2026-11-30T10:00:00+01:00', randomUUID());
    expect(unknown).toEqual({ available: false, reason: 'UNKNOWN_DOCTOR', doctor: undefined, location: undefined, candidates: [] });

    const leaving = (await createDoctor()).id;
    await doctor.app.inject({ method: 'PUT', url: `/api/doctors/${leaving}/schedule`, headers: admin, payload: schedule });
    expect((await check('2026-11-30T09:30:00+01:00', '2026-11-30T10:00:00+01:00', leaving)).available).toBe(true);
    await doctor.app.inject({ method: 'DELETE', url: `/api/doctors/${leaving}`, headers: admin });
    const inactive = await check('2026-11-30T09:30:00+01:00', '2026-11-30T10:00:00+01:00', leaving);
    expect(inactive).toMatchObject({ available: false, reason: 'INACTIVE', doctor: { id: leaving, active: false } });
  });

  it('answers INVALID_ARGUMENT naming malformed ids and timestamps', async () => {
    const malformed = await failure(check('next monday', '2026-11-30T10:00:00', 'dr-who'));
    expect(malformed.code).toBe(status.INVALID_ARGUMENT);
    expect(malformed.error.details?.map((d) => d.field).sort()).toEqual(['doctorId', 'endsAt', 'startsAt']);
    const backwards = await failure(check('2026-11-30T10:00:00Z', '2026-11-30T09:30:00Z'));
    expect(backwards.code).toBe(status.INVALID_ARGUMENT);
    expect(backwards.error.details?.map((d) => d.field)).toEqual(['endsAt']);
  });
});
