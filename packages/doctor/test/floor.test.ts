import type { Bundle, Slot } from '@medplum/fhirtypes';
import { doctorGrpc, type EventData, type EventType } from '@pms/contracts';
import { createGrpcClient, type GrpcClient } from '@pms/platform';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, doctorBody, failingFields, publishAppointmentEvent, startDoctor, uniqueTag, type DoctorHarness } from './support.js';

// The clinic floor: locations, rooms and equipment, and availability that needs them.
let doctor: DoctorHarness;
let producer: ReturnType<DoctorHarness['kafka']['producer']>;
let client: GrpcClient<typeof doctorGrpc.DoctorServiceService>;
beforeAll(async () => {
  doctor = await startDoctor();
  producer = doctor.kafka.producer();
  await producer.connect();
  client = createGrpcClient(doctorGrpc.DoctorServiceClient, doctor.grpcAddress, { peerName: 'doctor' });
});
afterAll(async () => {
  client?.close();
  await producer?.disconnect();
  await doctor?.close();
});

const admin = as('admin');
const post = (url: string, payload: object, headers = admin) => doctor.app.inject({ method: 'POST', url, headers, payload });
const send = (method: 'POST' | 'PUT', url: string, payload: object) => doctor.app.inject({ method, url, headers: admin, payload });

async function createLocation(timeZone = 'UTC') {
  const response = await post('/api/locations', { name: `Site ${uniqueTag()}`, address: '1 Main St', timeZone, openingHours: [{ weekday: 1, start: '08:00', end: '18:00' }] });
  expect(response.statusCode).toBe(201);
  return response.json() as { id: string; timeZone: string };
}

async function createRoom(locationId: string, fields: object = {}) {
  const response = await post('/api/rooms', { name: `Room ${uniqueTag()}`, kind: 'EXAM', locationId, ...fields });
  expect(response.statusCode).toBe(201);
  return response.json() as { id: string; name: string };
}

async function createDoctor(hours: object[], timeZone = 'Europe/Berlin') {
  const created = await post('/api/doctors', doctorBody());
  const { id } = created.json() as { id: string };
  const put = await doctor.app.inject({ method: 'PUT', url: `/api/doctors/${id}/schedule`, headers: admin, payload: { timeZone, slotMinutes: 30, hours } });
  expect(put.statusCode).toBe(200);
  return id;
}

const publish = <T extends EventType>(type: T, subject: string, data: EventData<T>) => publishAppointmentEvent(producer, type, subject, data);

async function announceRoomType() {
  const id = randomUUID();
  await publish('AppointmentTypeChanged', id, {
    appointmentTypeId: id,
    name: 'Exam',
    durationMinutes: 30,
    bufferBeforeMinutes: 0,
    bufferAfterMinutes: 0,
    priceCents: null,
    specialty: null,
    active: true,
    deleted: false,
    requiredResources: [{ category: 'ROOM', kind: 'EXAM' }],
  });
  return id;
}

const startsIn = async (doctorId: string, from: string, to: string, appointmentTypeId?: string) => {
  const response = await doctor.app.inject({
    url: `/api/doctors/${doctorId}/availability`,
    query: { from, to, ...(appointmentTypeId ? { appointmentTypeId } : {}) },
    headers: admin,
  });
  expect(response.statusCode).toBe(200);
  return (response.json().slots as { startsAt: string }[]).map((slot) => slot.startsAt);
};

describe('locations, rooms and equipment', () => {
  it('lists the default location, creates, reads and replaces locations, rooms and equipment (admin only)', async () => {
    const listed = await doctor.app.inject({ url: '/api/locations', headers: as('staff') });
    expect(listed.json().items).toContainEqual(expect.objectContaining({ name: 'Main clinic', isDefault: true }));
    expect((await post('/api/locations', { name: 'x', timeZone: 'UTC' }, as('staff'))).statusCode).toBe(403);

    const location = await createLocation('europe/vienna');
    expect(location.timeZone).toBe('Europe/Vienna');
    const room = await createRoom(location.id, { capacity: 2 });
    const device = await post('/api/equipment', { name: 'Portable ECG', kind: 'ECG' });
    expect(device.statusCode).toBe(201);
    expect(device.json()).toMatchObject({ category: 'EQUIPMENT', locationId: null, capacity: 1, active: true });

    const rooms = await doctor.app.inject({ url: '/api/rooms', query: { locationId: location.id }, headers: admin });
    expect(rooms.json().items).toEqual([{ id: room.id, category: 'ROOM', name: room.name, kind: 'EXAM', locationId: location.id, capacity: 2, active: true }]);
    // A room is not equipment: each path knows only its own.
    expect((await doctor.app.inject({ url: `/api/equipment/${room.id}`, headers: admin })).json().code).toBe('EQUIPMENT_NOT_FOUND');

    const replaced = await doctor.app.inject({
      method: 'PUT',
      url: `/api/rooms/${room.id}`,
      headers: admin,
      payload: { name: 'Room 7', kind: 'PROCEDURE', locationId: location.id, active: false },
    });
    expect(replaced.json()).toMatchObject({ name: 'Room 7', kind: 'PROCEDURE', capacity: 1, active: false });
  });

  it('answers bad input with 400 naming the fields, an unknown location with 422', async () => {
    const bad = await post('/api/rooms', { name: '', kind: 'exam room', capacity: 0 });
    expect(bad.statusCode).toBe(400);
    expect(failingFields(bad.json())).toEqual(['capacity', 'kind', 'locationId', 'name']);
    const zone = await post('/api/locations', { name: 'Nowhere', timeZone: 'Mars/Olympus' });
    expect([zone.statusCode, failingFields(zone.json())]).toEqual([400, ['timeZone']]);
    const unknown = await post('/api/rooms', { name: 'Ghost', kind: 'EXAM', locationId: randomUUID() });
    expect([unknown.statusCode, unknown.json().code]).toEqual([422, 'UNKNOWN_LOCATION']);
    const schedule = await doctor.app.inject({
      method: 'PUT',
      url: `/api/doctors/${await createDoctor([])}/schedule`,
      headers: admin,
      payload: { timeZone: 'UTC', slotMinutes: 30, hours: [{ weekday: 1, start: '09:00', end: '10:00', locationId: randomUUID() }] },
    });
    expect([schedule.statusCode, schedule.json().code, failingFields(schedule.json())]).toEqual([422, 'UNKNOWN_LOCATION', ['hours.0.locationId']]);
  });

  it('keeps a room’s maintenance', async () => {
    const room = await createRoom((await createLocation()).id);
    const added = await post(`/api/rooms/${room.id}/time-off`, { startsAt: '2027-02-01T08:00:00Z', endsAt: '2027-02-01T12:00:00Z', reason: 'Repainting' });
    expect(added.statusCode).toBe(201);
    const listed = await doctor.app.inject({ url: `/api/rooms/${room.id}/time-off`, headers: admin });
    expect(listed.json().items).toEqual([added.json()]);
    const removed = await doctor.app.inject({ method: 'DELETE', url: `/api/rooms/${room.id}/time-off/${added.json().id}`, headers: admin });
    expect(removed.statusCode).toBe(204);
  });
});

describe('availability of a type that needs a room', () => {
  const day = '2027-02-01'; // a Monday
  const window = [`${day}T00:00:00Z`, `${day}T23:59:00Z`] as const;

  it('offers the doctor’s free time only where a fitting room is free at the doctor’s location', async () => {
    const location = await createLocation('UTC');
    const room = await createRoom(location.id);
    await createRoom((await createLocation('UTC')).id); // a free room elsewhere does not help
    const doctorId = await createDoctor([{ weekday: 1, start: '09:00', end: '12:00', locationId: location.id }]);
    const typeId = await announceRoomType();
    const all = ['09:00', '09:30', '10:00', '10:30', '11:00', '11:30'].map((time) => `${day}T${time}:00.000Z`);
    await expect.poll(() => startsIn(doctorId, ...window, typeId), { timeout: 25_000, interval: 100 }).toEqual(all);

    // Another doctor's appointment holds the room 10:00–10:30 (with a 15-minute buffer after).
    const otherDoctor = randomUUID();
    const appointmentId = randomUUID();
    await publish('AppointmentBooked', appointmentId, {
      appointmentId,
      patientId: randomUUID(),
      doctorId: otherDoctor,
      startsAt: `${day}T10:00:00.000Z`,
      endsAt: `${day}T10:30:00.000Z`,
      durationMinutes: 30,
      reason: null,
      patient: { name: 'Pat', email: 'pat@example.com' },
      doctor: { name: 'Dr. Other', specialty: 'CARDIOLOGY', timeZone: 'UTC' },
      bufferAfterMinutes: 15,
      locationId: location.id,
      resources: [{ resourceId: room.id, unit: 0, name: room.name, category: 'ROOM', kind: 'EXAM' }],
    });
    const withoutBooked = all.filter((start) => !start.includes('T10:00') && !start.includes('T10:30'));
    await expect.poll(() => startsIn(doctorId, ...window, typeId), { timeout: 25_000, interval: 100 }).toEqual(withoutBooked);
    // The doctor is free then: without the type, every slot is offered.
    expect(await startsIn(doctorId, ...window)).toEqual(all);

    // Maintenance 11:00–12:00 takes the rest; the CheckAvailability answer says NO_RESOURCE then.
    await post(`/api/rooms/${room.id}/time-off`, { startsAt: `${day}T11:00:00Z`, endsAt: `${day}T12:00:00Z`, reason: 'Service' });
    expect(await startsIn(doctorId, ...window, typeId)).toEqual([`${day}T09:00:00.000Z`, `${day}T09:30:00.000Z`]);
    const required = [{ category: 'ROOM', kind: 'EXAM' }];
    const during = await client.call('checkAvailability', { doctorId, startsAt: `${day}T11:00:00Z`, endsAt: `${day}T11:30:00Z`, required }, { requestId: 'floor' });
    expect([during.available, during.reason]).toEqual([false, 'NO_RESOURCE']);
    const before = await client.call('checkAvailability', { doctorId, startsAt: `${day}T09:00:00Z`, endsAt: `${day}T09:30:00Z`, required }, { requestId: 'floor' });
    expect(before.available).toBe(true);
    expect(before.location?.id).toBe(location.id);
    expect(before.candidates.map((c) => [c.id, c.kind, c.capacity])).toEqual([[room.id, 'EXAM', 1]]);

    // A second room at the location frees every slot again.
    await createRoom(location.id);
    expect(await startsIn(doctorId, ...window, typeId)).toEqual(all);
  });

  it('counts hours at a location in another time zone in that zone, across its daylight-saving change', async () => {
    // New York springs forward on 2027-03-14; Berlin (the doctor's zone) only on 2027-03-28.
    const newYork = await createLocation('America/New_York');
    await createRoom(newYork.id);
    const doctorId = await createDoctor([{ weekday: 1, start: '09:00', end: '10:00', locationId: newYork.id }], 'Europe/Berlin');
    const typeId = await announceRoomType();
    const expected = ['2027-03-08T14:00:00.000Z', '2027-03-08T14:30:00.000Z', '2027-03-15T13:00:00.000Z', '2027-03-15T13:30:00.000Z'];
    expect(await startsIn(doctorId, '2027-03-07T00:00:00Z', '2027-03-16T00:00:00Z')).toEqual(expected);
    await expect.poll(() => startsIn(doctorId, '2027-03-07T00:00:00Z', '2027-03-16T00:00:00Z', typeId), { timeout: 25_000, interval: 100 }).toEqual(expected);
    const schedule = await doctor.app.inject({ url: `/api/doctors/${doctorId}/schedule`, headers: admin });
    expect(schedule.json().hours).toEqual([{ weekday: 1, start: '09:00', end: '10:00', locationId: newYork.id }]);

    // Moving the site to Chicago moves its hours with it: 09:00 there is an hour later in UTC.
    const moved = await doctor.app.inject({
      method: 'PUT',
      url: `/api/locations/${newYork.id}`,
      headers: admin,
      payload: { name: 'Moved', timeZone: 'America/Chicago' },
    });
    expect(moved.statusCode).toBe(200);
    expect((await startsIn(doctorId, '2027-03-15T00:00:00Z', '2027-03-16T00:00:00Z'))[0]).toBe('2027-03-15T14:00:00.000Z');
  });
});

/** A Berlin site open on Sundays 09:00-12:00, and a doctor whose Sunday block there is 07:00-14:00. */
async function sundayDoctor() {
  const site = { name: `Site ${uniqueTag()}`, timeZone: 'Europe/Berlin', openingHours: [{ weekday: 7, start: '09:00', end: '12:00' }] };
  const location = await send('POST', '/api/locations', site);
  expect(location.statusCode).toBe(201);
  const created = await send('POST', '/api/doctors', doctorBody());
  const doctorId = created.json().id as string;
  const hours = [{ weekday: 7, start: '07:00', end: '14:00', locationId: location.json().id }];
  expect((await send('PUT', `/api/doctors/${doctorId}/schedule`, { timeZone: 'UTC', slotMinutes: 60, hours })).statusCode).toBe(200);
  return { doctorId, locationId: location.json().id as string, site };
}

// Berlin springs forward on Sunday 2027-03-28: 09:00 local is 08:00Z the Sunday before, 07:00Z that day.
const weekBefore = ['2027-03-21T08:00:00.000Z', '2027-03-21T09:00:00.000Z', '2027-03-21T10:00:00.000Z'];
const changeDay = ['2027-03-28T07:00:00.000Z', '2027-03-28T08:00:00.000Z', '2027-03-28T09:00:00.000Z'];

// A doctor's block at a location offers nothing outside that location's opening hours, in the
// location's time zone: availability, FHIR Slots and the check appointment books with.
describe('opening hours', () => {
  it('clip availability and FHIR Slots to the location’s hours in its time zone, across its daylight-saving change', async () => {
    const { doctorId } = await sundayDoctor();
    expect(await startsIn(doctorId, '2027-03-20T00:00:00Z', '2027-03-29T00:00:00Z')).toEqual([...weekBefore, ...changeDay]);

    const search = await doctor.app.inject({ url: `/fhir/R4/Slot?schedule=Schedule/${doctorId}&start=ge2027-03-28&start=lt2027-03-29`, headers: admin });
    expect(search.statusCode).toBe(200);
    const slots = ((search.json() as Bundle<Slot>).entry ?? []).map((entry) => entry.resource!);
    expect(slots.map((slot) => slot.start)).toEqual(changeDay);
    // 08:00 Berlin is in the doctor's block but the site is closed: no such slot.
    const closed = await doctor.app.inject({ url: `/fhir/R4/Slot/${doctorId}.202703280600.60`, headers: admin });
    expect(closed.statusCode).toBe(404);
    expect((await doctor.app.inject({ url: `/fhir/R4/Slot/${slots[0]!.id}`, headers: admin })).statusCode).toBe(200);
  });

  it('make the booking check answer OUTSIDE_OPENING_HOURS, and follow a change of the hours without touching the schedule', async () => {
    const { doctorId, locationId, site } = await sundayDoctor();
    const check = (startsAt: string, endsAt: string) => client.call('checkAvailability', { doctorId, startsAt, endsAt, required: [] }, { requestId: 'opening-hours' });
    // 08:00-09:00 Berlin (CET): inside the block, before the site opens; 11:00-12:00 ends as it closes.
    const early = await check('2027-03-21T07:00:00Z', '2027-03-21T08:00:00Z');
    expect([early.available, early.reason, early.location?.id]).toEqual([false, 'OUTSIDE_OPENING_HOURS', locationId]);
    expect((await check('2027-03-21T10:00:00Z', '2027-03-21T11:00:00Z')).available).toBe(true);
    // Running past closing time is outside too, as is a two-hour visit from 11:00.
    expect((await check('2027-03-21T10:00:00Z', '2027-03-21T12:00:00Z')).reason).toBe('OUTSIDE_OPENING_HOURS');

    const longer = await send('PUT', `/api/locations/${locationId}`, { ...site, openingHours: [{ weekday: 7, start: '08:00', end: '13:00' }] });
    expect(longer.statusCode).toBe(200);
    expect(await startsIn(doctorId, '2027-03-21T00:00:00Z', '2027-03-22T00:00:00Z')).toEqual([
      '2027-03-21T07:00:00.000Z',
      ...weekBefore,
      '2027-03-21T11:00:00.000Z',
    ]);
    expect((await check('2027-03-21T07:00:00Z', '2027-03-21T08:00:00Z')).available).toBe(true);
  });
});
