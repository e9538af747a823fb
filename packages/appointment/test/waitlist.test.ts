import type {} from '../../devstack/src/vitest-provided.js';
import { parseEvent } from '@pms/contracts';
import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { at, withService } from './support/harness.js';

const service = withService();
const { users, peers } = service;
const staff = users.staff();

const post = (url: string, payload: object, headers = staff.headers) => service.app.inject({ method: 'POST', url, headers, payload });
const wait = (patientId: string, doctorId: string, from = at(0), to = at(600)) =>
  post('/api/waitlist', { patientId, doctorId, from, to }).then((response) => {
    expect(response.statusCode).toBe(201);
    return response.json();
  });
const bookFor = async (doctorId: string, startsAt: string) => {
  const response = await post('/api/appointments', { patientId: peers.addPatient().id, doctorId, startsAt });
  expect(response.statusCode).toBe(201);
  return response.json();
};
const entriesOf = async (doctorId: string) =>
  (await service.app.inject({ method: 'GET', url: `/api/waitlist?doctorId=${doctorId}`, headers: staff.headers })).json().items as {
    id: string;
    status: string;
    offeredStartsAt: string | null;
    offerExpiresAt: string | null;
    appointmentId: string | null;
  }[];
const offersTo = async (entryId: string) => {
  const rows = await service.database.sql<{ n: number }[]>`
    select count(*)::int as n from outbox where type = 'WaitlistSlotOffered' and key = ${entryId}`;
  return rows[0]?.n ?? 0;
};
/** Both cancellations went through this service's consumer (so every offer they cause is made). */
const consumed = async (appointmentIds: string[]) => {
  const rows = await service.database.sql<{ n: number }[]>`
    select count(*)::int as n from processed_events p join outbox o on o.id = p.event_id
    where o.type = 'AppointmentCancelled' and o.key in ${service.database.sql(appointmentIds)}`;
  return rows[0]?.n ?? 0;
};

describe('waitlist', () => {
  it('two cancellations at once offer two different slots to the two earliest entries', async () => {
    const doctor = peers.addDoctor();
    const first = await wait(peers.addPatient().id, doctor.id);
    const second = await wait(peers.addPatient().id, doctor.id);
    const third = await wait(peers.addPatient().id, doctor.id);
    const [a, b] = [await bookFor(doctor.id, at(0)), await bookFor(doctor.id, at(60))];

    await Promise.all([post(`/api/appointments/${a.id}/cancel`, {}), post(`/api/appointments/${b.id}/cancel`, {})]);

    await vi.waitFor(async () => expect((await entriesOf(doctor.id)).filter((e) => e.status === 'OFFERED')).toHaveLength(2), { timeout: 20_000 });
    const entries = await entriesOf(doctor.id);
    const byId = new Map(entries.map((e) => [e.id, e]));
    expect(byId.get(third.id)?.status).toBe('WAITING');
    expect([byId.get(first.id)?.offeredStartsAt, byId.get(second.id)?.offeredStartsAt].sort()).toEqual([at(0), at(60)].sort());
    expect([await offersTo(first.id), await offersTo(second.id), await offersTo(third.id)]).toEqual([1, 1, 0]);
  });

  it('one waiting entry and two cancellations racing: exactly one offer', async () => {
    const doctor = peers.addDoctor();
    const entry = await wait(peers.addPatient().id, doctor.id);
    const [a, b] = [await bookFor(doctor.id, at(0)), await bookFor(doctor.id, at(60))];

    await Promise.all([post(`/api/appointments/${a.id}/cancel`, {}), post(`/api/appointments/${b.id}/cancel`, {})]);

    await vi.waitFor(async () => expect(await consumed([a.id, b.id])).toBe(2), { timeout: 20_000 });
    const [only] = await entriesOf(doctor.id);
    expect(only?.status).toBe('OFFERED');
    expect(await offersTo(entry.id)).toBe(1);
  });

  it('an offer that lapses passes the slot to the next entry; booking in the window fulfils the entry', async () => {
    const doctor = peers.addDoctor();
    const firstPatient = peers.addPatient();
    const secondPatient = peers.addPatient();
    const first = await wait(firstPatient.id, doctor.id);
    const second = await wait(secondPatient.id, doctor.id);
    const freed = await bookFor(doctor.id, at(120));
    await post(`/api/appointments/${freed.id}/cancel`, {});
    await vi.waitFor(async () => expect((await entriesOf(doctor.id)).find((e) => e.id === first.id)?.status).toBe('OFFERED'), { timeout: 20_000 });

    // WAITLIST_OFFER_MINUTES later, as far as the database can tell.
    await service.database.sql`update waitlist_entries set offer_expires_at = now() - interval '1 second' where id = ${first.id}`;

    await vi.waitFor(
      async () => {
        const entries = new Map((await entriesOf(doctor.id)).map((e) => [e.id, e]));
        expect(entries.get(first.id)?.status).toBe('EXPIRED');
        expect(entries.get(second.id)).toMatchObject({ status: 'OFFERED', offeredStartsAt: at(120) });
      },
      { timeout: 20_000 },
    );

    const booked = await post('/api/appointments', { patientId: secondPatient.id, doctorId: doctor.id, startsAt: at(120) });
    expect(booked.statusCode).toBe(201);
    await vi.waitFor(
      async () => expect((await entriesOf(doctor.id)).find((e) => e.id === second.id)).toMatchObject({ status: 'BOOKED', appointmentId: booked.json().id }),
      { timeout: 20_000 },
    );
  });

  it('offers nothing to an entry whose type does not fit the freed time', async () => {
    const type = await post(
      '/api/appointment-types',
      { name: `Long ${randomUUID().slice(0, 6)}`, durationMinutes: 60 },
      users.admin().headers,
    );
    const doctor = peers.addDoctor();
    const patient = peers.addPatient();
    const long = await post('/api/waitlist', { patientId: patient.id, doctorId: doctor.id, from: at(0), to: at(600), appointmentTypeId: type.json().id });
    const short = await wait(peers.addPatient().id, doctor.id);
    const freed = await bookFor(doctor.id, at(240));
    await post(`/api/appointments/${freed.id}/cancel`, {});

    await vi.waitFor(async () => expect((await entriesOf(doctor.id)).find((e) => e.id === short.id)?.status).toBe('OFFERED'), { timeout: 20_000 });
    expect((await entriesOf(doctor.id)).find((e) => e.id === long.json().id)?.status).toBe('WAITING');
  });

  it('patients join and leave for themselves only; windows are validated', async () => {
    const user = users.patient();
    const own = peers.addPatient({ ownerUserId: user.userId });
    const doctor = peers.addDoctor();
    const joined = await post('/api/waitlist', { patientId: own.id, doctorId: doctor.id, from: at(0), to: at(60) }, user.headers);
    expect(joined.statusCode).toBe(201);
    const foreign = await post('/api/waitlist', { patientId: peers.addPatient().id, doctorId: doctor.id, from: at(0), to: at(60) }, user.headers);
    expect(foreign.statusCode).toBe(403);
    const backwards = await post('/api/waitlist', { patientId: own.id, doctorId: doctor.id, from: at(60), to: at(0) }, user.headers);
    expect([backwards.statusCode, backwards.json().details[0].field]).toEqual([400, 'to']);

    const mine = await service.app.inject({ method: 'GET', url: `/api/waitlist?patientId=${own.id}`, headers: user.headers });
    expect(mine.json().items.map((e: { id: string }) => e.id)).toEqual([joined.json().id]);
    const left = await service.app.inject({ method: 'DELETE', url: `/api/waitlist/${joined.json().id}`, headers: user.headers });
    expect(left.statusCode).toBe(204);
    expect(await entriesOf(doctor.id)).toEqual([]);
  });
});

describe('waitlist offers given up', () => {
  it('an offered slot passes to the next entry when its patient leaves the waitlist', async () => {
    const doctor = peers.addDoctor();
    const first = await wait(peers.addPatient().id, doctor.id);
    const second = await wait(peers.addPatient().id, doctor.id);
    const freed = await bookFor(doctor.id, at(180));
    await post(`/api/appointments/${freed.id}/cancel`, {});
    await vi.waitFor(async () => expect((await entriesOf(doctor.id)).find((e) => e.id === first.id)?.status).toBe('OFFERED'), { timeout: 20_000 });

    const left = await service.app.inject({ method: 'DELETE', url: `/api/waitlist/${first.id}`, headers: staff.headers });
    expect(left.statusCode).toBe(204);

    await vi.waitFor(
      async () => expect((await entriesOf(doctor.id)).find((e) => e.id === second.id)).toMatchObject({ status: 'OFFERED', offeredStartsAt: at(180) }),
      { timeout: 20_000 },
    );
    expect((await entriesOf(doctor.id)).map((e) => e.id)).not.toContain(first.id);
  });

  it('announces an offer and, when its patient leaves, the given-up slot (valid by the contract); leaving while waiting announces nothing', async () => {
    const doctor = peers.addDoctor();
    const patient = peers.addPatient();
    const offered = await wait(patient.id, doctor.id);
    const waiting = await wait(peers.addPatient().id, peers.addDoctor().id);
    const freed = await bookFor(doctor.id, at(240));
    await post(`/api/appointments/${freed.id}/cancel`, {});
    await vi.waitFor(async () => expect((await entriesOf(doctor.id)).find((e) => e.id === offered.id)?.status).toBe('OFFERED'), { timeout: 20_000 });
    const slot = {
      entryId: offered.id,
      patientId: patient.id,
      doctorId: doctor.id,
      startsAt: at(240),
      endsAt: at(270),
      doctor: { name: doctor.name, specialty: doctor.specialty, timeZone: doctor.timeZone },
    };
    const [offer] = await service.database.sql<{ payload: { data: object } }[]>`
      select payload from outbox where type = 'WaitlistSlotOffered' and key = ${offered.id}`;
    const { offerExpiresAt } = (await entriesOf(doctor.id)).find((e) => e.id === offered.id)!;
    expect(offer!.payload.data).toStrictEqual({ ...slot, expiresAt: offerExpiresAt, patient: { name: patient.name, email: patient.email } });
    expect(parseEvent(offer!.payload)).toMatchObject({ ok: true });

    for (const entry of [offered, waiting]) {
      const left = await service.app.inject({ method: 'DELETE', url: `/api/waitlist/${entry.id}`, headers: staff.headers });
      expect(left.statusCode).toBe(204);
    }

    const expired = await service.database.sql<{ key: string; payload: { data: object } }[]>`
      select key, payload from outbox where type = 'WaitlistOfferExpired' and key in ${service.database.sql([offered.id, waiting.id])}`;
    expect(expired.map((event) => event.key)).toEqual([offered.id]);
    expect(expired[0]!.payload.data).toStrictEqual(slot);
    expect(parseEvent(expired[0]!.payload)).toMatchObject({ ok: true });
  });

  it('an offer is withdrawn when someone else books its time, and the entry waits again', async () => {
    const doctor = peers.addDoctor();
    const entry = await wait(peers.addPatient().id, doctor.id);
    const freed = await bookFor(doctor.id, at(300));
    await post(`/api/appointments/${freed.id}/cancel`, {});
    await vi.waitFor(async () => expect((await entriesOf(doctor.id)).find((e) => e.id === entry.id)?.status).toBe('OFFERED'), { timeout: 20_000 });

    await bookFor(doctor.id, at(300));

    await vi.waitFor(
      async () => expect((await entriesOf(doctor.id)).find((e) => e.id === entry.id)).toMatchObject({ status: 'WAITING', offeredStartsAt: null }),
      { timeout: 20_000 },
    );
  });

  it('one booking both fulfils its patient’s entry and withdraws another patient’s offer of that time', async () => {
    const doctor = peers.addDoctor();
    const offered = await wait(peers.addPatient().id, doctor.id);
    const waiting = peers.addPatient();
    const fulfilled = await wait(waiting.id, doctor.id);
    const freed = await bookFor(doctor.id, at(420));
    await post(`/api/appointments/${freed.id}/cancel`, {});
    await vi.waitFor(async () => expect((await entriesOf(doctor.id)).find((e) => e.id === offered.id)?.status).toBe('OFFERED'), { timeout: 20_000 });

    const booked = await post('/api/appointments', { patientId: waiting.id, doctorId: doctor.id, startsAt: at(420) });
    expect(booked.statusCode).toBe(201);

    await vi.waitFor(
      async () => {
        const entries = await entriesOf(doctor.id);
        expect(entries.find((e) => e.id === fulfilled.id)).toMatchObject({ status: 'BOOKED', appointmentId: booked.json().id });
        expect(entries.find((e) => e.id === offered.id)).toMatchObject({ status: 'WAITING', offeredStartsAt: null });
      },
      { timeout: 20_000 },
    );
  });

  it('skips an entry whose patient is booked elsewhere at the freed time', async () => {
    const doctor = peers.addDoctor();
    const busy = peers.addPatient();
    const busyEntry = await wait(busy.id, doctor.id);
    const next = await wait(peers.addPatient().id, doctor.id);
    const elsewhere = await post('/api/appointments', { patientId: busy.id, doctorId: peers.addDoctor().id, startsAt: at(360) });
    expect(elsewhere.statusCode).toBe(201);
    const freed = await bookFor(doctor.id, at(360));
    await post(`/api/appointments/${freed.id}/cancel`, {});

    await vi.waitFor(async () => expect((await entriesOf(doctor.id)).find((e) => e.id === next.id)?.status).toBe('OFFERED'), { timeout: 20_000 });
    expect((await entriesOf(doctor.id)).find((e) => e.id === busyEntry.id)?.status).toBe('WAITING');
  });
});
