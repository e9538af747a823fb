import { parseEvent, type EventType } from '@pms/contracts';
import { eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { appointments } from '../src/db/schema.js';
import { snapshotOf } from '../src/domain/views.js';
import { at, eventsOf, withService } from './support/harness.js';

// The status changes build their event's data in SQL from the row they change (db/announced.ts):
// it must be exactly what snapshotOf builds in JS, and describe the row as the change left it.

const service = withService();
const { users, peers } = service;
const staff = users.staff();
const admin = users.admin();

const post = (url: string, payload?: object, headers = staff.headers) =>
  service.app.inject({ method: 'POST', url, headers, ...(payload ? { payload } : {}) });

/** A typed, priced, buffered appointment with a reason: every snapshot field set. */
async function book(startsAt = at(0), ownerUserId?: string) {
  const type = await post('/api/appointment-types', { name: `T ${startsAt}`, durationMinutes: 40, bufferBeforeMinutes: 5, bufferAfterMinutes: 10, priceCents: 7_500 }, admin.headers);
  expect(type.statusCode).toBe(201);
  const payload = { patientId: peers.addPatient({ ownerUserId }).id, doctorId: peers.addDoctor().id, startsAt, appointmentTypeId: type.json().id, reason: 'a cough' };
  const response = await post('/api/appointments', payload);
  expect(response.statusCode).toBe(201);
  return response.json() as { id: string };
}

const rowOf = async (id: string) => (await service.database.db.select().from(appointments).where(eq(appointments.id, id)))[0]!;

/** The last event of the appointment: of the expected type, valid (envelope and data), and exactly the row's snapshot plus `extra`. */
async function expectAnnounced(id: string, type: EventType, extra: object = {}) {
  const row = await rowOf(id);
  const events = await eventsOf(service.database, id);
  const last = events.at(-1)!;
  expect(last.type).toBe(type);
  expect(last.payload.data).toStrictEqual({ ...snapshotOf(row), ...extra });
  expect(parseEvent(last.payload)).toMatchObject({ ok: true });
  return { row, events };
}

const movedMeanwhile = `starts_at = starts_at + interval '2 hours', ends_at = ends_at + interval '2 hours',
  doctor_blocked_from = doctor_blocked_from + interval '2 hours', doctor_blocked_until = doctor_blocked_until + interval '2 hours',
  patient_name = 'Renamed Meanwhile'`;

/**
 * Runs `request` while another transaction holds the row changed by `set` (by default moved two
 * hours later and renamed), uncommitted: the request reads the row as it was, then its write waits
 * for the other transaction, which commits once the request waits on it.
 */
async function meanwhile(id: string, request: () => ReturnType<typeof post>, set = movedMeanwhile) {
  const other = service.database.dedicatedConnection();
  let response: ReturnType<typeof post> | undefined;
  try {
    await other.begin(async (tx) => {
      await tx.unsafe(`update appointments set ${set} where id = $1`, [id]);
      response = request();
      await vi.waitFor(async () => {
        const [waiting] = await service.database.sql<{ count: number }[]>`
          select count(*)::int as count from pg_stat_activity where datname = current_database() and wait_event = 'transactionid'`;
        expect(waiting?.count).toBe(1);
      }, { timeout: 20_000 });
    });
  } finally {
    await other.end();
  }
  return response!;
}

describe('the event of a status change', () => {
  it('is the changed row’s snapshot: completed and no-show', async () => {
    const completed = await book();
    expect((await post(`/api/appointments/${completed.id}/check-in`)).statusCode).toBe(200);
    expect((await post(`/api/appointments/${completed.id}/complete`)).statusCode).toBe(200);
    await expectAnnounced(completed.id, 'AppointmentCompleted');

    const missed = await book();
    expect((await post(`/api/appointments/${missed.id}/no-show`)).statusCode).toBe(200);
    await expectAnnounced(missed.id, 'AppointmentNoShow');
  });

  it('is the changed row’s snapshot with who cancelled and why, with or without a reason', async () => {
    const withReason = await book();
    expect((await post(`/api/appointments/${withReason.id}/cancel`, { reason: 'moved away' })).statusCode).toBe(200);
    await expectAnnounced(withReason.id, 'AppointmentCancelled', { cancellationReason: 'moved away', cancelledBy: staff.userId });

    const without = await book();
    expect((await post(`/api/appointments/${without.id}/cancel`)).statusCode).toBe(200);
    await expectAnnounced(without.id, 'AppointmentCancelled', { cancellationReason: null, cancelledBy: staff.userId });
  });

  it('describes the row as the change left it, when it changed between the read and the update', async () => {
    // A patient's cancellation reads the row first (to check whose it is); staff's does not read.
    const patient = users.patient();
    const appointment = await book(at(600), patient.userId);
    const cancelled = await meanwhile(appointment.id, () => post(`/api/appointments/${appointment.id}/cancel`, { reason: 'race' }, patient.headers));
    expect(cancelled.statusCode).toBe(200);
    const { row } = await expectAnnounced(appointment.id, 'AppointmentCancelled', { cancellationReason: 'race', cancelledBy: patient.userId });
    expect(row).toMatchObject({ status: 'CANCELLED', startsAt: new Date(at(720)), patientName: 'Renamed Meanwhile' });
  });
});

describe('the event of a reschedule', () => {
  it('is the moved row’s snapshot with the times it replaced, also when they changed after the read', async () => {
    const appointment = await book(at(1200));
    const moved = await post(`/api/appointments/${appointment.id}/reschedule`, { startsAt: at(1300) });
    expect(moved.statusCode).toBe(200);
    await expectAnnounced(appointment.id, 'AppointmentRescheduled', { previousStartsAt: at(1200), previousEndsAt: at(1240) });

    const again = await meanwhile(appointment.id, () => post(`/api/appointments/${appointment.id}/reschedule`, { startsAt: at(1600) }));
    expect(again.statusCode).toBe(200);
    // The request read 1300 but replaced what the other change left: 1420.
    const { row } = await expectAnnounced(appointment.id, 'AppointmentRescheduled', { previousStartsAt: at(1420), previousEndsAt: at(1460) });
    expect(row).toMatchObject({ status: 'BOOKED', startsAt: new Date(at(1600)), endsAt: new Date(at(1640)) });
  });

  it('refuses with 409 when the appointment was cancelled after the read, writing nothing', async () => {
    const appointment = await book(at(1800));
    const response = await meanwhile(
      appointment.id,
      () => post(`/api/appointments/${appointment.id}/reschedule`, { startsAt: at(1900) }),
      "status = 'CANCELLED'",
    );
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ code: 'ILLEGAL_TRANSITION', message: expect.stringContaining('CANCELLED') });
    expect((await eventsOf(service.database, appointment.id)).map((event) => event.type)).toEqual(['AppointmentBooked']);
    expect(await rowOf(appointment.id)).toMatchObject({ startsAt: new Date(at(1800)) });
  });
});
