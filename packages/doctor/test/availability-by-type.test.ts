import { type EventData, type EventType } from '@pms/contracts';
import { DateTime } from 'luxon';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, doctorBody, publishAppointmentEvent, startDoctor, type DoctorHarness } from './support.js';

// appointment owns types and the policy; doctor keeps copies from appointment-events.
let doctor: DoctorHarness;
let producer: ReturnType<DoctorHarness['kafka']['producer']>;
beforeAll(async () => {
  doctor = await startDoctor();
  producer = doctor.kafka.producer();
  await producer.connect();
});
afterAll(async () => {
  await producer?.disconnect();
  await doctor?.close();
});

const admin = as('admin');
const nineToNoon = { timeZone: 'UTC', slotMinutes: 15, hours: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '09:00', end: '12:00' })) };
const day = DateTime.now().setZone('UTC').plus({ weeks: 1 }).startOf('day');

async function createDoctor(specialty = 'CARDIOLOGY') {
  const created = await doctor.app.inject({ method: 'POST', url: '/api/doctors', headers: admin, payload: doctorBody({ specialty }) });
  const { id } = created.json() as { id: string };
  await doctor.app.inject({ method: 'PUT', url: `/api/doctors/${id}/schedule`, headers: admin, payload: nineToNoon });
  return id;
}

const publish = <T extends EventType>(type: T, subject: string, data: EventData<T>) => publishAppointmentEvent(producer, type, subject, data);

async function announceType(fields: Partial<EventData<'AppointmentTypeChanged'>> = {}) {
  const id = randomUUID();
  await publish('AppointmentTypeChanged', id, {
    appointmentTypeId: id,
    name: 'Consultation',
    durationMinutes: 30,
    bufferBeforeMinutes: 15,
    bufferAfterMinutes: 15,
    priceCents: null,
    specialty: null,
    active: true,
    deleted: false,
    requiredResources: [],
    ...fields,
  });
  return id;
}

const slots = async (doctorId: string, query: Record<string, string> = {}, headers = admin) => {
  const response = await doctor.app.inject({
    url: `/api/doctors/${doctorId}/availability`,
    query: { from: day.toISO()!, to: day.plus({ days: 1 }).toISO()!, ...query },
    headers,
  });
  return response;
};
const startTimes = async (doctorId: string, query: Record<string, string> = {}, headers = admin) =>
  ((await slots(doctorId, query, headers)).json().slots as { startsAt: string }[] | undefined)?.map((slot) => slot.startsAt.slice(11, 16));
const until = (doctorId: string, expected: string[], query: Record<string, string> = {}, headers = admin) =>
  expect.poll(() => startTimes(doctorId, query, headers), { timeout: 25_000, interval: 100 }).toEqual(expected);

const booking = (doctorId: string, hour: number, minute: number, buffers: { bufferBeforeMinutes?: number; bufferAfterMinutes?: number } = {}) => ({
  appointmentId: randomUUID(),
  patientId: randomUUID(),
  doctorId,
  startsAt: day.set({ hour, minute }).toISO()!,
  endsAt: day.set({ hour, minute }).plus({ minutes: 30 }).toISO()!,
  durationMinutes: 30,
  reason: null,
  patient: { name: 'Pat Test', email: 'pat.test@example.com' },
  doctor: { name: 'Dr. Test', specialty: 'CARDIOLOGY' as const, timeZone: 'UTC' },
  ...buffers,
});

describe('availability by appointment type', () => {
  it('offers only starts where the type fits with its buffers, and slots as long as the visit', async () => {
    const doctorId = await createDoctor();
    const typeId = await announceType();
    const plain = booking(doctorId, 10, 0);
    await publish('AppointmentBooked', plain.appointmentId, plain);

    // The visit blocks [start - 15, start + 45): nothing from 09:30 to 10:30 clears 10:00-10:30.
    await until(doctorId, ['09:00', '09:15', '10:45', '11:00', '11:15', '11:30'], { appointmentTypeId: typeId });
    const [first] = (await slots(doctorId, { appointmentTypeId: typeId })).json().slots;
    expect(Date.parse(first.endsAt) - Date.parse(first.startsAt)).toBe(30 * 60_000);
  });

  it('keeps a booking’s buffers off the doctor’s plain availability too', async () => {
    const doctorId = await createDoctor();
    const buffered = booking(doctorId, 11, 0, { bufferAfterMinutes: 30 });
    await publish('AppointmentBooked', buffered.appointmentId, buffered);
    await until(doctorId, ['09:00', '09:15', '09:30', '09:45', '10:00', '10:15', '10:30', '10:45']);
  });

  it('has nothing for a type of another specialty or an inactive one; an unknown type is a 404', async () => {
    const doctorId = await createDoctor('CARDIOLOGY');
    const dermatology = await announceType({ specialty: 'DERMATOLOGY' });
    const inactive = await announceType({ active: false });
    const cardiology = await announceType({ specialty: 'CARDIOLOGY', bufferBeforeMinutes: 0, bufferAfterMinutes: 0, durationMinutes: 60 });
    await until(doctorId, ['09:00', '09:15', '09:30', '09:45', '10:00', '10:15', '10:30', '10:45', '11:00'], { appointmentTypeId: cardiology });
    expect(await startTimes(doctorId, { appointmentTypeId: dermatology })).toEqual([]);
    expect(await startTimes(doctorId, { appointmentTypeId: inactive })).toEqual([]);
    const unknown = await slots(doctorId, { appointmentTypeId: randomUUID() });
    expect([unknown.statusCode, unknown.json().code]).toEqual([404, 'APPOINTMENT_TYPE_NOT_FOUND']);
  });

  it('shows a patient only what the booking policy lets them book; staff see everything', async () => {
    const doctorId = await createDoctor();
    expect(await startTimes(doctorId, {}, as('patient'))).toHaveLength(12);
    await publish('SchedulingPolicyChanged', 'scheduling-policy', {
      minimumNoticeMinutes: 60,
      maxAdvanceDays: 3,
      patientCancelCutoffHours: 0,
      patientRescheduleCutoffHours: 0,
    });
    await until(doctorId, [], {}, as('patient'));
    expect(await startTimes(doctorId, {}, as('staff'))).toHaveLength(12);
  });
});
