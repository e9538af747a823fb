import { parseEvent, type doctorGrpc } from '@pms/contracts';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { at, eventsOf, withService } from './support/harness.js';

// Rooms and devices booked with the doctor: picked from what doctor offers at the doctor's
// location, reserved in the booking's statement under an exclusion constraint per resource unit.
const service = withService();
const { users, peers } = service;
const staff = users.staff();
const admin = users.admin();

const room = (fields: Partial<doctorGrpc.ResourceCandidate> = {}): doctorGrpc.ResourceCandidate => ({
  id: randomUUID(),
  name: `Exam room ${randomUUID().slice(0, 4)}`,
  category: 'ROOM',
  kind: 'EXAM',
  capacity: 1,
  ...fields,
});
const ultrasound = () => room({ name: `Ultrasound ${randomUUID().slice(0, 4)}`, category: 'EQUIPMENT', kind: 'ULTRASOUND' });

async function typeNeeding(requiredResources: { category: string; kind: string }[], fields: object = {}): Promise<string> {
  const response = await service.app.inject({
    method: 'POST',
    url: '/api/appointment-types',
    headers: admin.headers,
    payload: { name: `Scan ${randomUUID().slice(0, 8)}`, durationMinutes: 30, requiredResources, ...fields },
  });
  expect(response.statusCode).toBe(201);
  return response.json().id;
}

const book = (doctorId: string, startsAt: string, appointmentTypeId: string) =>
  service.app.inject({
    method: 'POST',
    url: '/api/appointments',
    headers: staff.headers,
    payload: { patientId: peers.addPatient().id, doctorId, startsAt, appointmentTypeId },
  });

const reservationsOf = async (resourceId: string) =>
  (await service.database.sql<{ n: number }[]>`select count(*)::int as n from resource_reservations where resource_id = ${resourceId}`)[0]?.n;

const scanNeeds = [
  { category: 'ROOM', kind: 'EXAM' },
  { category: 'EQUIPMENT', kind: 'ULTRASOUND' },
];

describe('booking a type that needs a room and a device', () => {
  it('reserves both, shows them on the appointment and on its event, and refuses the room to a second doctor until cancelled', async () => {
    const exam = room();
    const device = ultrasound();
    const locationId = randomUUID();
    const typeId = await typeNeeding(scanNeeds, { bufferAfterMinutes: 15 });
    const first = peers.addDoctor({ resources: [exam, device], locationId });
    const second = peers.addDoctor({ resources: [exam, device], locationId });

    const booked = await book(first.id, at(0), typeId);
    expect(booked.statusCode).toBe(201);
    const appointment = booked.json();
    expect(appointment.locationId).toBe(locationId);
    expect(appointment.resources).toEqual([
      { resourceId: exam.id, unit: 0, name: exam.name, category: 'ROOM', kind: 'EXAM' },
      { resourceId: device.id, unit: 0, name: device.name, category: 'EQUIPMENT', kind: 'ULTRASOUND' },
    ]);
    const [event] = await eventsOf(service.database, appointment.id);
    expect(event?.payload.data).toMatchObject({ locationId, resources: appointment.resources });
    expect(parseEvent(event!.payload).ok).toBe(true);

    // The buffer after the visit holds the room too: 30 minutes later it is still taken.
    const refused = await book(second.id, at(30), typeId);
    expect([refused.statusCode, refused.json().code]).toEqual([409, 'RESOURCE_UNAVAILABLE']);
    expect(refused.json().message).toContain('room of kind EXAM');
    expect((await book(second.id, at(45), typeId)).statusCode).toBe(201);

    const cancelled = await service.app.inject({
      method: 'POST',
      url: `/api/appointments/${appointment.id}/cancel`,
      headers: staff.headers,
      payload: { reason: 'moved' },
    });
    expect(cancelled.statusCode).toBe(200);
    const retried = await book(second.id, at(0), typeId);
    expect(retried.statusCode).toBe(201);
    expect(retried.json().resources.map((r: { resourceId: string }) => r.resourceId)).toEqual([exam.id, device.id]);
  });

  it('says so when the doctor’s location has no such room at all', async () => {
    const typeId = await typeNeeding([{ category: 'ROOM', kind: 'PROCEDURE' }]);
    const doctor = peers.addDoctor({ resources: [room()] });
    const refused = await book(doctor.id, at(0), typeId);
    expect([refused.statusCode, refused.json().code]).toEqual([409, 'RESOURCE_UNAVAILABLE']);
  });

  it('keeps the resources on a reschedule, refuses a time where its room is taken, and frees them on cancel', async () => {
    const exam = room();
    const typeId = await typeNeeding([{ category: 'ROOM', kind: 'EXAM' }]);
    const doctor = peers.addDoctor({ resources: [exam] });
    const other = peers.addDoctor({ resources: [exam] });
    const appointment = (await book(doctor.id, at(0), typeId)).json();
    expect((await book(other.id, at(120), typeId)).statusCode).toBe(201);

    const move = (startsAt: string) =>
      service.app.inject({ method: 'POST', url: `/api/appointments/${appointment.id}/reschedule`, headers: staff.headers, payload: { startsAt } });
    const moved = await move(at(60));
    expect(moved.statusCode).toBe(200);
    expect(moved.json().resources).toEqual(appointment.resources);
    const [reservation] = await service.database.sql<{ moved: boolean }[]>`
      select blocked_from = ${at(60)}::timestamptz as moved from resource_reservations where appointment_id = ${appointment.id}`;
    expect(reservation?.moved).toBe(true);

    const clash = await move(at(120));
    expect([clash.statusCode, clash.json().code]).toEqual([409, 'RESOURCE_TAKEN']);

    await service.app.inject({ method: 'POST', url: `/api/appointments/${appointment.id}/cancel`, headers: staff.headers, payload: {} });
    expect(await service.database.sql`select 1 from resource_reservations where appointment_id = ${appointment.id}`).toHaveLength(0);
  });

  it('books a series with the room on every occurrence', async () => {
    const exam = room();
    const typeId = await typeNeeding([{ category: 'ROOM', kind: 'EXAM' }]);
    const doctor = peers.addDoctor({ resources: [exam] });
    const response = await service.app.inject({
      method: 'POST',
      url: '/api/appointments/series',
      headers: staff.headers,
      payload: { patientId: peers.addPatient().id, doctorId: doctor.id, startsAt: at(0), appointmentTypeId: typeId, recurrence: { frequency: 'WEEKLY', count: 3 } },
    });
    expect(response.statusCode).toBe(201);
    const occurrences = response.json().appointments as { resources: { resourceId: string }[] }[];
    expect(occurrences.map((a) => a.resources.map((r) => r.resourceId))).toEqual([[exam.id], [exam.id], [exam.id]]);
    expect(await reservationsOf(exam.id)).toBe(3);
  });

  it('lets exactly the room’s capacity of 50 concurrent bookings of different doctors have it', async () => {
    const shared = room({ capacity: 3 });
    const typeId = await typeNeeding([{ category: 'ROOM', kind: 'EXAM' }]);
    const doctors = Array.from({ length: 50 }, () => peers.addDoctor({ resources: [shared] }));
    const answers = await Promise.all(doctors.map((doctor) => book(doctor.id, at(600), typeId)));

    const byStatus = answers.map((answer) => [answer.statusCode, answer.statusCode === 201 ? 'BOOKED' : answer.json().code]);
    expect(byStatus.filter(([status]) => status === 201)).toHaveLength(3);
    expect(byStatus.filter(([status]) => status !== 201)).toEqual(Array(47).fill([409, 'RESOURCE_UNAVAILABLE']));
    const units = answers.filter((a) => a.statusCode === 201).map((a) => a.json().resources[0].unit);
    expect(units.sort()).toEqual([0, 1, 2]);
    expect(await reservationsOf(shared.id)).toBe(3);
  });
});
