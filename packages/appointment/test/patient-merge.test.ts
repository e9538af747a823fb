import type {} from '../../devstack/src/vitest-provided.js';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { at, withService } from './support/harness.js';

// appointment's part of a patient merge (issue 23): patient calls it, with the caller's token,
// before it commits the merge.
const service = withService();
const { users, peers } = service;
const staff = users.staff();

const book = async (patientId: string, doctorId: string, startsAt: string) => {
  const response = await service.app.inject({ method: 'POST', url: '/api/appointments', headers: staff.headers, payload: { patientId, doctorId, startsAt } });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as { id: string; patientId: string };
};
const merge = (body: object, headers = staff.headers) =>
  service.app.inject({ method: 'POST', url: '/api/appointments/patient-merges', headers, payload: body });
const appointmentsOf = async (patientId: string) =>
  (await service.database.sql<{ id: string }[]>`select id from appointments where patient_id = ${patientId} order by starts_at`).map((row) => row.id);

describe('POST /api/appointments/patient-merges', () => {
  it("moves the duplicate's appointments and waitlist entries; a booking for the duplicate afterwards lands on the survivor", async () => {
    const survivor = peers.addPatient();
    const duplicate = peers.addPatient();
    const doctor = peers.addDoctor();
    const kept = await book(survivor.id, doctor.id, at(0));
    const moved = [await book(duplicate.id, doctor.id, at(60)), await book(duplicate.id, doctor.id, at(120))];

    const response = await merge({ survivorId: survivor.id, duplicateId: duplicate.id });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ moved: 2 });
    expect(await appointmentsOf(survivor.id)).toEqual([kept.id, ...moved.map((appointment) => appointment.id)]);
    expect(await appointmentsOf(duplicate.id)).toEqual([]);

    // A booking that asked patient before the merge and writes after it: the row is the survivor's.
    const late = await book(duplicate.id, doctor.id, at(180));
    expect(await appointmentsOf(survivor.id)).toContain(late.id);
    // And the survivor's own exclusion constraint judges it: the survivor is busy at at(0).
    const otherDoctor = peers.addDoctor();
    const clash = await service.app.inject({
      method: 'POST',
      url: '/api/appointments',
      headers: staff.headers,
      payload: { patientId: duplicate.id, doctorId: otherDoctor.id, startsAt: at(0) },
    });
    expect(clash.statusCode).toBe(409);

    // Idempotent: nothing more to move.
    expect((await merge({ survivorId: survivor.id, duplicateId: duplicate.id })).json()).toEqual({ moved: 0 });
  });

  it('refuses overlapping appointments before anything moves, naming each clash', async () => {
    const survivor = peers.addPatient();
    const duplicate = peers.addPatient();
    const [first, second] = [peers.addDoctor(), peers.addDoctor()];
    const survivors = await book(survivor.id, first.id, at(1_000));
    const duplicates = [await book(duplicate.id, second.id, at(1_015)), await book(duplicate.id, second.id, at(2_000))];

    const response = await merge({ survivorId: survivor.id, duplicateId: duplicate.id });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({
      code: 'APPOINTMENTS_OVERLAP',
      details: [{ field: `appointments.${duplicates[0]!.id}`, message: expect.stringContaining(survivors.id) }],
    });
    // Nothing moved, and nothing redirects the duplicate: its next booking stays its own.
    expect(await appointmentsOf(duplicate.id)).toEqual(duplicates.map((appointment) => appointment.id));
    const later = await book(duplicate.id, second.id, at(3_000));
    expect(later.patientId).toBe(duplicate.id);
    expect(await appointmentsOf(duplicate.id)).toContain(later.id);

    // Once the clash is cancelled, the merge goes through.
    const cancel = await service.app.inject({ method: 'POST', url: `/api/appointments/${duplicates[0]!.id}/cancel`, headers: staff.headers, payload: {} });
    expect(cancel.statusCode, cancel.body).toBe(200);
    expect((await merge({ survivorId: survivor.id, duplicateId: duplicate.id })).json()).toEqual({ moved: 3 });
  });

  it('answers bad requests with 4xx', async () => {
    const id = randomUUID();
    expect((await merge({ survivorId: id, duplicateId: id })).statusCode).toBe(400);
    expect((await merge({ survivorId: id })).statusCode).toBe(400);
    expect((await merge({ survivorId: id, duplicateId: randomUUID() }, users.patient().headers)).statusCode).toBe(403);
    expect((await merge({ survivorId: id, duplicateId: randomUUID() }, users.doctor().headers)).statusCode).toBe(403);
  });
});
