import type { Bundle, CapabilityStatement, OperationOutcome, PractitionerRole, Resource, Schedule, Slot } from '@medplum/fhirtypes';
import { topics } from '@pms/contracts';
import { expectValidFhir } from '@pms/devstack/testing';
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { as, doctorBody, uniqueTag } from './support.js';
import { fhirTestbed } from './fhir-testbed.js';

const { bed, fhir } = fhirTestbed();
const admin = as('admin');
const staff = as('staff');

const resourcesOf = <T extends Resource>(bundle: Bundle<T>) => (bundle.entry ?? []).map((entry) => entry.resource!);

async function createDoctor(overrides: Record<string, unknown> = {}, schedule?: object) {
  const body = doctorBody(overrides);
  const created = await bed.doctor.app.inject({ method: 'POST', url: '/api/doctors', headers: admin, payload: body });
  expect(created.statusCode, created.body).toBe(201);
  const { id } = created.json() as { id: string };
  if (schedule) {
    const response = await bed.doctor.app.inject({ method: 'PUT', url: `/api/doctors/${id}/schedule`, headers: admin, payload: schedule });
    expect(response.statusCode, response.body).toBe(200);
  }
  return { id, ...body };
}

/** Midnight UTC of the Monday at least a week ahead: none of its slots is in the past. */
const nextMonday = () => {
  const start = DateTime.utc().plus({ weeks: 1 }).startOf('day');
  return start.plus({ days: (8 - start.weekday) % 7 });
};
const mondayNineToEleven = { timeZone: 'UTC', slotMinutes: 30, hours: [{ weekday: 1, start: '09:00', end: '11:00' }] };
const stamp = (at: DateTime) => at.toUTC().toFormat('yyyyMMddHHmm');

describe('FHIR metadata', () => {
  it('is public and lists the six types with their interactions and search parameters', async () => {
    const statement = await fhir<CapabilityStatement>('metadata', { headers: {} });
    const resources = statement.rest?.[0]?.resource ?? [];
    expect(resources.map((resource) => resource.type)).toEqual(['Device', 'Location', 'Practitioner', 'PractitionerRole', 'Schedule', 'Slot']);
    const slot = resources.find((resource) => resource.type === 'Slot');
    expect(slot?.interaction?.map((interaction) => interaction.code)).toEqual(['read', 'search-type']);
    expect(slot?.searchParam?.map((param) => param.name)).toEqual(['schedule', 'start', 'status']);
    const openapi = (await bed.doctor.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, unknown> };
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/fhir/R4/Slot', '/fhir/R4/Slot/{id}', '/fhir/R4/Practitioner', '/fhir/R4/metadata']));
  });
});

describe('Practitioner and PractitionerRole', () => {
  it('reads a doctor as a Practitioner, and 404s an unknown or malformed id with an OperationOutcome', async () => {
    const created = await createDoctor({ phone: '+49 30 1234' });
    const practitioner = await fhir(`Practitioner/${created.id}`, { headers: as('patient') });
    expect(practitioner).toMatchObject({
      resourceType: 'Practitioner',
      id: created.id,
      active: true,
      name: [{ text: created.name }],
      telecom: [
        { system: 'email', value: created.email },
        { system: 'phone', value: '+49 30 1234' },
      ],
      meta: { lastUpdated: expect.stringMatching(/Z$/) },
    });
    for (const id of [randomUUID(), 'not-a-doctor']) {
      const outcome = await fhir<OperationOutcome>(`Practitioner/${id}`, { status: 404 });
      expect(outcome).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found' }] });
    }
    await fhir<OperationOutcome>(`Practitioner/${created.id}`, { headers: {}, status: 401 });
  });

  it('searches by a word of the name, pages with _count, and refuses unknown parameters unless lenient', async () => {
    const tag = uniqueTag();
    const first = await createDoctor({ name: `Dr. Alpha ${tag}` });
    const second = await createDoctor({ name: `Dr. Beta ${tag}` });
    const bundle = await fhir<Bundle>(`Practitioner?name=${tag}&_count=1`);
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 2 });
    expect(resourcesOf(bundle).map((resource) => resource.id)).toEqual([first.id]);
    const next = bundle.link?.find((link) => link.relation === 'next')?.url;
    expect(next).toContain('_offset=1');
    const rest = await fhir<Bundle>(`Practitioner?name=${tag}&_count=1&_offset=1`);
    expect(resourcesOf(rest).map((resource) => resource.id)).toEqual([second.id]);
    // A word's start matches; the middle of a word does not.
    expect((await fhir<Bundle>(`Practitioner?name=${tag.slice(1)}`)).total).toBe(0);
    expect((await fhir<Bundle>(`Practitioner?_id=${second.id},nonsense`)).total).toBe(1);

    const refused = await fhir<OperationOutcome>(`Practitioner?name=${tag}&family=x`, { status: 400 });
    expect(refused.issue[0]).toMatchObject({ code: 'invalid', expression: ['family'] });
    const response = await bed.doctor.app.inject({
      method: 'GET',
      url: `/fhir/R4/Practitioner?name=${tag}&family=x`,
      headers: { ...staff, prefer: 'handling=lenient' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().total).toBe(2);
    await expectValidFhir(bed.validator, response.json());
  });

  it('gives each doctor one PractitionerRole with the specialty in SNOMED CT and ours, searchable by either', async () => {
    const created = await createDoctor({ specialty: 'DERMATOLOGY' }, mondayNineToEleven);
    const role = await fhir<PractitionerRole>(`PractitionerRole/${created.id}`);
    expect(role).toMatchObject({
      practitioner: { reference: `Practitioner/${created.id}` },
      specialty: [{ coding: [{ system: 'http://snomed.info/sct', code: '394582007' }, { code: 'DERMATOLOGY' }] }],
      availableTime: [{ daysOfWeek: ['mon'], availableStartTime: '09:00:00', availableEndTime: '11:00:00' }],
    });
    for (const specialty of ['DERMATOLOGY', 'http://snomed.info/sct|394582007', '394582007']) {
      const bundle = await fhir<Bundle>(`PractitionerRole?specialty=${encodeURIComponent(specialty)}&practitioner=Practitioner/${created.id}`);
      expect(bundle.total, specialty).toBe(1);
    }
    expect((await fhir<Bundle>(`PractitionerRole?specialty=CARDIOLOGY&practitioner=${created.id}`)).total).toBe(0);
    // A reference to another type is refused, never read as the doctor's id.
    const wrongType = await fhir<OperationOutcome>(`PractitionerRole?practitioner=Patient/${created.id}`, { status: 400 });
    expect(wrongType.issue[0]).toMatchObject({ code: 'invalid', expression: ['practitioner'] });
    expect((await fhir<Bundle>(`PractitionerRole?specialty=nonsense`)).total).toBe(0);
  });
});

describe('Schedule and Slot', () => {
  it('has one Schedule per doctor, found by its actor', async () => {
    const created = await createDoctor({}, mondayNineToEleven);
    const schedule = await fhir<Schedule>(`Schedule/${created.id}`);
    // Its hours name no location: they are held at the default one, the second actor.
    expect(schedule).toMatchObject({ active: true, actor: [{ reference: `Practitioner/${created.id}` }, { reference: expect.stringMatching(/^Location\//) }] });
    expect(schedule.comment).toContain('Mon 09:00-11:00');
    const bundle = await fhir<Bundle>(`Schedule?actor=Practitioner/${created.id}`);
    expect(resourcesOf(bundle).map((resource) => resource.id)).toEqual([created.id]);
  });

  it('computes Slots with their status, filtered by start and status, each readable by its id', async () => {
    const created = await createDoctor({}, mondayNineToEleven);
    const monday = nextMonday();
    // 09:30 is booked (the booked-slot view, as appointment-events fill it), 10:00-10:30 is time off.
    await bed.doctor.database.sql`insert into booked_slots (appointment_id, doctor_id, starts_at, ends_at)
      values (${randomUUID()}, ${created.id}, ${monday.set({ hour: 9, minute: 30 }).toISO()}, ${monday.set({ hour: 10 }).toISO()})`;
    const timeOff = { startsAt: monday.set({ hour: 10 }).toISO(), endsAt: monday.set({ hour: 10, minute: 30 }).toISO() };
    const added = await bed.doctor.app.inject({ method: 'POST', url: `/api/doctors/${created.id}/time-off`, headers: admin, payload: timeOff });
    expect(added.statusCode).toBe(201);

    const day = `schedule=Schedule/${created.id}&start=ge${monday.toISODate()}&start=lt${monday.plus({ days: 1 }).toISODate()}`;
    const all = resourcesOf(await fhir<Bundle<Slot>>(`Slot?${day}`));
    expect(all.map((slot) => [slot.start, slot.status])).toEqual([
      [monday.set({ hour: 9 }).toISO({ suppressMilliseconds: false }), 'free'],
      [monday.set({ hour: 9, minute: 30 }).toISO({ suppressMilliseconds: false }), 'busy'],
      [monday.set({ hour: 10 }).toISO({ suppressMilliseconds: false }), 'busy-unavailable'],
      [monday.set({ hour: 10, minute: 30 }).toISO({ suppressMilliseconds: false }), 'free'],
    ].map(([start, status]) => [start!.replace('+00:00', 'Z'), status]));
    expect(all[0]).toMatchObject({ id: `${created.id}.${stamp(monday.set({ hour: 9 }))}.30`, schedule: { reference: `Schedule/${created.id}` } });

    const free = resourcesOf(await fhir<Bundle<Slot>>(`Slot?${day}&status=free`));
    expect(free.map((slot) => slot.start?.slice(11, 16))).toEqual(['09:00', '10:30']);
    const busy = resourcesOf(await fhir<Bundle<Slot>>(`Slot?${day}&status=busy,busy-unavailable`));
    expect(busy.map((slot) => slot.start?.slice(11, 16))).toEqual(['09:30', '10:00']);
    const exact = resourcesOf(await fhir<Bundle<Slot>>(`Slot?schedule=${created.id}&start=${encodeURIComponent(monday.set({ hour: 10, minute: 30 }).toISO()!)}`));
    expect(exact.map((slot) => slot.id)).toEqual([all[3]!.id]);

    for (const slot of all) expect(await fhir<Slot>(`Slot/${slot.id}`, { headers: as('patient') })).toEqual(slot);
  });

  it('shows a slot busy once appointment announces the booking, and free again once it announces the cancellation', async () => {
    const created = await createDoctor({}, mondayNineToEleven);
    const nine = nextMonday().set({ hour: 9 });
    const slotId = `${created.id}.${stamp(nine)}.30`;
    const producer = bed.doctor.kafka.producer();
    await producer.connect();
    try {
      const data = {
        appointmentId: randomUUID(),
        patientId: randomUUID(),
        doctorId: created.id,
        startsAt: nine.toISO()!,
        endsAt: nine.plus({ minutes: 30 }).toISO()!,
        durationMinutes: 30,
        reason: null,
        patient: { name: 'Pat Test', email: 'pat.test@example.com' },
        doctor: { name: created.name, specialty: 'CARDIOLOGY', timeZone: 'UTC' },
      };
      const announce = (type: string, extra: object = {}) =>
        producer.send({
          topic: topics.appointment,
          acks: -1,
          messages: [
            {
              key: data.appointmentId,
              value: JSON.stringify({ id: randomUUID(), type, version: 1, occurredAt: new Date().toISOString(), source: 'appointment', subject: data.appointmentId, data: { ...data, ...extra }, requestId: randomUUID() }),
            },
          ],
        });
      const statusOf = async () => (await fhir<Slot>(`Slot/${slotId}`)).status;
      expect(await statusOf()).toBe('free');
      await announce('AppointmentBooked');
      await expect.poll(statusOf, { timeout: 25_000, interval: 100 }).toBe('busy');
      await announce('AppointmentCancelled', { cancellationReason: null, cancelledBy: randomUUID() });
      await expect.poll(statusOf, { timeout: 25_000, interval: 100 }).toBe('free');
    } finally {
      await producer.disconnect();
    }
  });

  it('shows a patient only what the booking policy lets them book, and an inactive doctor’s slots as unavailable', async () => {
    const created = await createDoctor({}, mondayNineToEleven);
    const monday = nextMonday();
    const day = `Slot?schedule=Schedule/${created.id}&start=ge${monday.toISODate()}&start=lt${monday.plus({ days: 1 }).toISODate()}`;
    const states = async (headers: Record<string, string>) => resourcesOf(await fhir<Bundle<Slot>>(day, { headers })).map((slot) => slot.status);
    // The policy as appointment announced it (this file's database only): a patient books at most 3 days ahead.
    await bed.doctor.database.sql`insert into scheduling_policy (id, minimum_notice_minutes, max_advance_days) values (1, 0, 3)
      on conflict (id) do update set max_advance_days = 3`;
    try {
      expect(await states(as('patient'))).toEqual(Array(4).fill('busy-unavailable'));
      expect(await states(staff)).toEqual(Array(4).fill('free'));
    } finally {
      await bed.doctor.database.sql`delete from scheduling_policy`;
    }
    expect((await bed.doctor.app.inject({ method: 'DELETE', url: `/api/doctors/${created.id}`, headers: admin })).statusCode).toBe(204);
    expect(await states(staff)).toEqual(Array(4).fill('busy-unavailable'));
    expect((await fhir<Schedule>(`Schedule/${created.id}`)).active).toBe(false);
  });

  it('404s a slot id that names no slot of the grid, and refuses a search without a schedule or over 31 days', async () => {
    const created = await createDoctor({}, mondayNineToEleven);
    const monday = nextMonday();
    for (const id of [
      `${created.id}.${stamp(monday.set({ hour: 9, minute: 10 }))}.30`, // off the grid
      `${created.id}.${stamp(monday.set({ hour: 10, minute: 30 }))}.60`, // past the block's end
      `${randomUUID()}.${stamp(monday.set({ hour: 9 }))}.30`, // no such doctor
      `${created.id}.${monday.toFormat('yyyyMM')}320900.30`, // no such day
      `${created.id}.${stamp(monday.set({ hour: 9 }))}.3`, // too short
    ]) {
      await fhir(`Slot/${id}`, { status: 404 });
    }
    const longer = await fhir<Slot>(`Slot/${created.id}.${stamp(monday.set({ hour: 9 }))}.60`);
    expect(longer).toMatchObject({ status: 'free', end: monday.set({ hour: 10 }).toUTC().toISO() });

    const noSchedule = await fhir<OperationOutcome>('Slot?status=free', { status: 400 });
    expect(noSchedule.issue[0]?.expression).toEqual(['schedule']);
    const tooLong = await fhir<OperationOutcome>(`Slot?schedule=${created.id}&start=ge2030-01-01&start=lt2030-03-01`, { status: 400 });
    expect(tooLong.issue[0]?.expression).toEqual(['start']);
    const badDate = await fhir<OperationOutcome>(`Slot?schedule=${created.id}&start=ge2030-13-01`, { status: 400 });
    expect(badDate.issue[0]?.expression).toEqual(['start']);
    expect((await fhir<Bundle>(`Slot?schedule=Schedule/${randomUUID()}`)).total).toBe(0);
    const wrongType = await fhir<OperationOutcome>(`Slot?schedule=Practitioner/${created.id}`, { status: 400 });
    expect(wrongType.issue[0]?.expression).toEqual(['schedule']);
    // Years PostgreSQL cannot hold (year 0) or bookings never have: a 400 naming start, never a 5xx.
    for (const start of ['start=ge0000-01-03&start=lt0000-01-10', 'start=lt0000-06-01', 'start=ge9999-12-27']) {
      expect((await fhir<OperationOutcome>(`Slot?schedule=${created.id}&${start}&status=free`, { status: 400 })).issue[0]?.expression, start).toEqual(['start']);
    }
    // The edges of those years are searches.
    expect((await fhir<Bundle>(`Slot?schedule=${created.id}&start=ge2999-12-27&status=free`)).resourceType).toBe('Bundle');
    expect((await fhir<Bundle>(`Slot?schedule=${created.id}&start=ge1900-01-01&start=lt1900-01-08&status=free`)).total).toBe(0);
  });
});
