import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { at, traceOfPatient, withService } from './support/harness.js';

const service = withService();
const { users, peers } = service;
const staff = users.staff();
const admin = users.admin();

type Headers = Record<string, string>;
const request = (method: 'GET' | 'POST', url: string, headers: Headers, payload?: object) =>
  service.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });

async function book(patientId: string, doctorId: string, startsAt = at(0), headers: Headers = staff.headers) {
  const response = await request('POST', '/api/appointments', headers, { patientId, doctorId, startsAt });
  expect(response.statusCode).toBe(201);
  return response.json() as { id: string; patientId: string; doctorId: string };
}

/** A patient user with their patient record, and a doctor user with theirs. */
function people() {
  const patientUser = users.patient();
  const patient = peers.addPatient({ ownerUserId: patientUser.userId });
  const doctor = peers.addDoctor();
  const doctorUser = users.doctor(doctor.id);
  return { patientUser, patient, doctor, doctorUser };
}

describe('authentication', () => {
  it.each([
    ['GET', '/api/appointments'],
    ['POST', '/api/appointments'],
    ['GET', `/api/appointments/${randomUUID()}`],
    ['POST', `/api/appointments/${randomUUID()}/cancel`],
  ] as const)('%s %s without a token → 401', async (method, url) => {
    const response = await request(method, url, {});
    expect(response.statusCode).toBe(401);
  });
});

describe('booking by role', () => {
  it('lets a patient book for their own record', async () => {
    const { patientUser, patient, doctor } = people();
    const appointment = await book(patient.id, doctor.id, at(0), patientUser.headers);
    expect(appointment.patientId).toBe(patient.id);
  });

  it.each([
    ['someone else’s record', () => peers.addPatient({ ownerUserId: randomUUID() }).id],
    ['an unlinked record', () => peers.addPatient().id],
  ])('refuses a patient booking for %s with 403, writing nothing', async (_case, otherPatientId) => {
    const patientId = otherPatientId();
    const response = await request('POST', '/api/appointments', users.patient().headers, {
      patientId,
      doctorId: peers.addDoctor().id,
      startsAt: at(0),
    });
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('NOT_OWNER');
    expect(await traceOfPatient(service.database, patientId)).toEqual({ rows: 0, events: 0 });
  });

  it('refuses a doctor booking with 403', async () => {
    const { patient, doctor, doctorUser } = people();
    const response = await request('POST', '/api/appointments', doctorUser.headers, { patientId: patient.id, doctorId: doctor.id, startsAt: at(0) });
    expect(response.statusCode).toBe(403);
  });

  it('lets admins book', async () => {
    const { patient, doctor } = people();
    await book(patient.id, doctor.id, at(0), admin.headers);
  });
});

describe('reading one appointment', () => {
  it('is allowed to staff, admins, the patient who owns it and its doctor; 403 to everybody else', async () => {
    const mine = people();
    const other = people();
    const appointment = await book(mine.patient.id, mine.doctor.id);
    const url = `/api/appointments/${appointment.id}`;

    for (const reader of [staff, admin, mine.patientUser, mine.doctorUser]) {
      expect((await request('GET', url, reader.headers)).statusCode).toBe(200);
    }
    for (const outsider of [other.patientUser, other.doctorUser, users.doctor()]) {
      const response = await request('GET', url, outsider.headers);
      expect(response.statusCode).toBe(403);
      expect(response.json().code).toBe('NOT_OWNER');
    }
  });

  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    expect((await request('GET', `/api/appointments/${randomUUID()}`, staff.headers)).statusCode).toBe(404);
    const malformed = await request('GET', '/api/appointments/42', staff.headers);
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().details[0].field).toBe('id');
  });
});

describe('lifecycle by role', () => {
  it('lets the owning patient cancel and reschedule, but not check in', async () => {
    const { patientUser, patient, doctor } = people();
    const first = await book(patient.id, doctor.id);
    const second = await book(patient.id, doctor.id, at(60));

    expect((await request('POST', `/api/appointments/${first.id}/check-in`, patientUser.headers)).statusCode).toBe(403);
    const moved = await request('POST', `/api/appointments/${first.id}/reschedule`, patientUser.headers, { startsAt: at(120) });
    expect(moved.statusCode).toBe(200);
    const cancelled = await request('POST', `/api/appointments/${second.id}/cancel`, patientUser.headers, { reason: 'travel' });
    expect(cancelled.json()).toMatchObject({ status: 'CANCELLED', cancelledBy: patientUser.userId });
  });

  it('refuses another patient’s cancel and reschedule with 403, leaving the appointment as it was', async () => {
    const mine = people();
    const other = people();
    const appointment = await book(mine.patient.id, mine.doctor.id);

    for (const [action, payload] of [['cancel', {}], ['reschedule', { startsAt: at(240) }]] as const) {
      const response = await request('POST', `/api/appointments/${appointment.id}/${action}`, other.patientUser.headers, payload);
      expect(response.statusCode).toBe(403);
    }
    const now = await request('GET', `/api/appointments/${appointment.id}`, staff.headers);
    expect(now.json()).toMatchObject({ status: 'BOOKED', startsAt: at(0) });
  });

  it('lets the appointment’s doctor check in, complete and mark no-shows, but not cancel', async () => {
    const { patient, doctor, doctorUser } = people();
    const attended = await book(patient.id, doctor.id);
    const missed = await book(patient.id, doctor.id, at(60));

    expect((await request('POST', `/api/appointments/${attended.id}/cancel`, doctorUser.headers)).statusCode).toBe(403);
    expect((await request('POST', `/api/appointments/${attended.id}/check-in`, doctorUser.headers)).statusCode).toBe(200);
    expect((await request('POST', `/api/appointments/${attended.id}/complete`, doctorUser.headers)).json().status).toBe('COMPLETED');
    expect((await request('POST', `/api/appointments/${missed.id}/no-show`, doctorUser.headers)).json().status).toBe('NO_SHOW');
  });

  it('refuses another doctor, and a doctor account without a doctor, with 403', async () => {
    const { patient, doctor } = people();
    const appointment = await book(patient.id, doctor.id);
    for (const outsider of [users.doctor(peers.addDoctor().id), users.doctor()]) {
      const response = await request('POST', `/api/appointments/${appointment.id}/check-in`, outsider.headers);
      expect(response.statusCode).toBe(403);
    }
    const now = await request('GET', `/api/appointments/${appointment.id}`, staff.headers);
    expect(now.json().status).toBe('BOOKED');
  });
});

describe('GET /api/appointments', () => {
  const list = (query: string, headers: Headers = staff.headers) => request('GET', `/api/appointments?${query}`, headers);
  const ids = (response: { json(): { items: { id: string }[] } }) => response.json().items.map((item) => item.id);

  it('filters by patient, doctor, status and start window, in time order, with pages and a total', async () => {
    const doctor = peers.addDoctor();
    const patients = [peers.addPatient(), peers.addPatient()];
    const booked = [];
    for (const [index, minutes] of [0, 60, 120, 180, 240].entries()) {
      booked.push(await book(patients[index % 2]!.id, doctor.id, at(minutes)));
    }
    await request('POST', `/api/appointments/${booked[4]!.id}/cancel`, staff.headers);

    const all = await list(`doctorId=${doctor.id}`);
    expect(all.json()).toMatchObject({ page: 1, pageSize: 20, total: 5 });
    expect(ids(all)).toEqual(booked.map((appointment) => appointment.id));

    expect(ids(await list(`doctorId=${doctor.id}&patientId=${patients[1]!.id}`))).toEqual([booked[1]!.id, booked[3]!.id]);
    expect(ids(await list(`doctorId=${doctor.id}&status=CANCELLED`))).toEqual([booked[4]!.id]);
    expect(ids(await list(`doctorId=${doctor.id}&from=${at(60)}&to=${at(180)}`))).toEqual([booked[1]!.id, booked[2]!.id]);

    const page2 = await list(`doctorId=${doctor.id}&page=2&pageSize=2`);
    expect(page2.json()).toMatchObject({ page: 2, pageSize: 2, total: 5 });
    expect(ids(page2)).toEqual([booked[2]!.id, booked[3]!.id]);
  });

  it('answers 400 for bad filters, naming them', async () => {
    const bad = await list('status=LATE&pageSize=1000&doctorId=x');
    expect(bad.statusCode).toBe(400);
    const fields = bad.json().details.map((detail: { field: string }) => detail.field);
    expect(new Set(fields)).toEqual(new Set(['status', 'pageSize', 'doctorId']));
    const backwards = await list(`from=${at(60)}&to=${at(0)}`);
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().details).toEqual([{ field: 'to', message: 'must be after from' }]);
  });

  it('shows a doctor only their own appointments', async () => {
    const mine = people();
    const other = people();
    const own = await book(mine.patient.id, mine.doctor.id);
    await book(other.patient.id, other.doctor.id);

    const response = await list('', mine.doctorUser.headers);
    expect(response.statusCode).toBe(200);
    expect(ids(response)).toEqual([own.id]);
    expect((await list(`doctorId=${other.doctor.id}`, mine.doctorUser.headers)).statusCode).toBe(403);
    expect((await list('', users.doctor().headers)).statusCode).toBe(403);
  });

  it('shows a patient their own appointments, and 403 unless they name their own patientId', async () => {
    const mine = people();
    const other = people();
    const own = await book(mine.patient.id, mine.doctor.id);
    await book(other.patient.id, mine.doctor.id, at(60));

    const response = await list(`patientId=${mine.patient.id}`, mine.patientUser.headers);
    expect(response.statusCode).toBe(200);
    expect(ids(response)).toEqual([own.id]);
    expect((await list('', mine.patientUser.headers)).statusCode).toBe(403);
    expect((await list(`patientId=${other.patient.id}`, mine.patientUser.headers)).statusCode).toBe(403);
    expect((await list(`doctorId=${mine.doctor.id}`, mine.patientUser.headers)).statusCode).toBe(403);
  });
});
