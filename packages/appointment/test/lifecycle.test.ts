import type { AppointmentStatus } from '@pms/contracts';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { at, eventsOf, withService } from './support/harness.js';

const service = withService();
const { users, peers } = service;
const staff = users.staff();

type Action = 'cancel' | 'reschedule' | 'check-in' | 'complete' | 'no-show';
const actions: Action[] = ['cancel', 'reschedule', 'check-in', 'complete', 'no-show'];
const statuses: AppointmentStatus[] = ['BOOKED', 'CHECKED_IN', 'COMPLETED', 'CANCELLED', 'NO_SHOW'];

/** The lifecycle as a table: from which status each action is allowed, what it leads to, what it announces. */
const legal: Record<Action, { from: AppointmentStatus; to: AppointmentStatus; event?: string }> = {
  cancel: { from: 'BOOKED', to: 'CANCELLED', event: 'AppointmentCancelled' },
  reschedule: { from: 'BOOKED', to: 'BOOKED', event: 'AppointmentRescheduled' },
  'check-in': { from: 'BOOKED', to: 'CHECKED_IN' },
  complete: { from: 'CHECKED_IN', to: 'COMPLETED', event: 'AppointmentCompleted' },
  'no-show': { from: 'BOOKED', to: 'NO_SHOW', event: 'AppointmentNoShow' },
};
/** How to bring a fresh appointment into each status. */
const pathTo: Record<AppointmentStatus, Action[]> = {
  BOOKED: [],
  CHECKED_IN: ['check-in'],
  COMPLETED: ['check-in', 'complete'],
  CANCELLED: ['cancel'],
  NO_SHOW: ['no-show'],
};
const bodyOf = (action: Action) =>
  action === 'reschedule' ? { startsAt: at(24 * 60) } : action === 'cancel' ? { reason: 'feeling better' } : undefined;

const act = (id: string, action: Action, payload = bodyOf(action), headers = staff.headers) =>
  service.app.inject({ method: 'POST', url: `/api/appointments/${id}/${action}`, headers, ...(payload ? { payload } : {}) });

async function book(options: { doctorId?: string; startsAt?: string; durationMinutes?: number } = {}) {
  const response = await service.app.inject({
    method: 'POST',
    url: '/api/appointments',
    headers: staff.headers,
    payload: { patientId: peers.addPatient().id, doctorId: options.doctorId ?? peers.addDoctor().id, startsAt: options.startsAt ?? at(0), durationMinutes: options.durationMinutes },
  });
  expect(response.statusCode).toBe(201);
  return response.json() as { id: string; doctorId: string; startsAt: string; endsAt: string };
}

async function appointmentIn(status: AppointmentStatus) {
  const appointment = await book();
  for (const step of pathTo[status]) expect((await act(appointment.id, step)).statusCode).toBe(200);
  return appointment;
}

const read = async (id: string) =>
  (await service.app.inject({ method: 'GET', url: `/api/appointments/${id}`, headers: staff.headers })).json();

describe('legal transitions', () => {
  it.each(actions)('%s', async (action) => {
    const { from, to, event } = legal[action];
    const appointment = await appointmentIn(from);
    const eventsBefore = (await eventsOf(service.database, appointment.id)).length;

    const response = await act(appointment.id, action);

    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id: appointment.id, status: to });
    expect(await read(appointment.id)).toEqual(response.json());
    const events = await eventsOf(service.database, appointment.id);
    expect(events.slice(eventsBefore).map((e) => e.type)).toEqual(event ? [event] : []);
  });
});

describe('illegal transitions', () => {
  const illegal = actions.flatMap((action) =>
    statuses.filter((status) => status !== legal[action].from).map((status) => [action, status] as const),
  );

  it.each(illegal)('%s from %s → 409 ILLEGAL_TRANSITION, nothing changes', async (action, status) => {
    const appointment = await appointmentIn(status);
    const before = await read(appointment.id);
    const eventsBefore = await eventsOf(service.database, appointment.id);

    const response = await act(appointment.id, action);

    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ code: 'ILLEGAL_TRANSITION' });
    // Staff's refusal comes from the guarded statement; the message still names the status.
    expect(response.json().message).toMatch(new RegExp(`that is ${status}$`));
    expect(await read(appointment.id)).toEqual(before);
    expect(await eventsOf(service.database, appointment.id)).toEqual(eventsBefore);
  });

  it.each(actions)('%s of an unknown appointment → 404', async (action) => {
    const response = await act(randomUUID(), action);
    expect(response.statusCode).toBe(404);
    expect(response.json().code).toBe('APPOINTMENT_NOT_FOUND');
  });

  it.each([1, 2, 3])('lets exactly one of several concurrent transitions win (round %i)', async () => {
    const appointment = await appointmentIn('BOOKED');
    const racing = Array.from({ length: 4 }, () => ['cancel', 'check-in', 'no-show'] as const).flat();
    const responses = await Promise.all(racing.map((action) => act(appointment.id, action)));

    const codes = responses.map((response) => response.statusCode);
    expect(codes.filter((code) => code === 200)).toHaveLength(1);
    expect(codes.filter((code) => code === 409)).toHaveLength(racing.length - 1);
    const winner = responses.find((response) => response.statusCode === 200)!.json();
    expect((await read(appointment.id)).status).toBe(winner.status);
    const announced = winner.status === 'CHECKED_IN' ? ['AppointmentBooked'] : ['AppointmentBooked', expect.any(String)];
    expect((await eventsOf(service.database, appointment.id)).map((event) => event.type)).toEqual(announced);
  });
});

describe('cancelling', () => {
  it('records the reason and who cancelled, announces both, and frees the slot at once', async () => {
    const appointment = await book();
    const response = await act(appointment.id, 'cancel', { reason: '  feeling better  ' });

    expect(response.json()).toMatchObject({ status: 'CANCELLED', cancellationReason: 'feeling better', cancelledBy: staff.userId });
    const [, cancelled] = await eventsOf(service.database, appointment.id);
    expect(cancelled?.payload.data).toMatchObject({ appointmentId: appointment.id, cancellationReason: 'feeling better', cancelledBy: staff.userId });
    const rebooked = await book({ doctorId: appointment.doctorId, startsAt: appointment.startsAt });
    expect(rebooked.id).not.toBe(appointment.id);
  });

  it('needs no body', async () => {
    const appointment = await book();
    const response = await service.app.inject({ method: 'POST', url: `/api/appointments/${appointment.id}/cancel`, headers: staff.headers });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'CANCELLED', cancellationReason: null });
  });
});

describe('rescheduling', () => {
  it('moves the range, keeps the duration, announces the previous times and frees the old slot', async () => {
    const appointment = await book({ durationMinutes: 45 });
    const response = await act(appointment.id, 'reschedule', { startsAt: at(180) });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'BOOKED', startsAt: at(180), endsAt: at(225) });
    const [, rescheduled] = await eventsOf(service.database, appointment.id);
    expect(rescheduled?.payload.data).toMatchObject({
      startsAt: at(180),
      endsAt: at(225),
      durationMinutes: 45,
      previousStartsAt: at(0),
      previousEndsAt: at(45),
    });
    // The old slot is free for someone else; the new one is not.
    await book({ doctorId: appointment.doctorId, startsAt: at(0), durationMinutes: 45 });
    const clash = await service.app.inject({
      method: 'POST',
      url: '/api/appointments',
      headers: staff.headers,
      payload: { patientId: peers.addPatient().id, doctorId: appointment.doctorId, startsAt: at(200) },
    });
    expect(clash.json().code).toBe('SLOT_TAKEN');
  });

  it('may overlap its own old range', async () => {
    const appointment = await book();
    const response = await act(appointment.id, 'reschedule', { startsAt: at(15) });
    expect(response.json()).toMatchObject({ startsAt: at(15), endsAt: at(45) });
  });

  it('refuses a slot the doctor has taken with 409 SLOT_TAKEN and leaves the appointment as it was', async () => {
    const taken = await book({ startsAt: at(60) });
    const appointment = await book({ doctorId: taken.doctorId });
    const response = await act(appointment.id, 'reschedule', { startsAt: at(75) });

    expect(response.statusCode).toBe(409);
    expect(response.json().code).toBe('SLOT_TAKEN');
    expect(await read(appointment.id)).toMatchObject({ startsAt: at(0), endsAt: at(30) });
    expect(await eventsOf(service.database, appointment.id)).toHaveLength(1);
  });

  it('asks doctor about the new time: 409 with doctor’s reason', async () => {
    const appointment = await book();
    peers.doctors.get(appointment.doctorId)!.answer = 'TIME_OFF';
    const response = await act(appointment.id, 'reschedule', { startsAt: at(300) });
    expect(response.statusCode).toBe(409);
    expect(response.json().code).toBe('TIME_OFF');
    expect(await read(appointment.id)).toMatchObject({ startsAt: at(0) });
  });

  it('refuses a start in the past with 400', async () => {
    const appointment = await book();
    const response = await act(appointment.id, 'reschedule', { startsAt: '2001-01-01T09:00:00Z' });
    expect(response.statusCode).toBe(400);
    expect(response.json().details[0].field).toBe('startsAt');
  });
});
