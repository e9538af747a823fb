import type { Patient as FhirPatient } from '@medplum/fhirtypes';
import { freePort } from '@pms/devstack';
import { expectValidFhir, sharedFhirValidator, type FhirValidator } from '@pms/devstack/testing';
import { AppError } from '@pms/platform/domain';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { duplicatesOfSql, type SearchSubject } from '../src/db/duplicates.js';
import type { AppointmentMerges } from '../src/domain/merge-ports.js';
import { call, patientInput, startPatientService, userOf, type TestService } from './support.js';

// appointment's side of a merge is a stand-in here (the e2e and replica suites run the real one):
// it records each call and answers as the test says.
type Move = AppointmentMerges['move'];
let answer: Move;
const calls: Parameters<Move>[] = [];
const appointments: AppointmentMerges = { move: (...args) => (calls.push(args), answer(...args)) };

let service: TestService;
let staff: string;
let admin: string;

beforeAll(async () => {
  service = await startPatientService(`127.0.0.1:${await freePort()}`, {}, { appointments });
  staff = userOf(service.tokens, 'staff').token;
  admin = userOf(service.tokens, 'admin').token;
});
afterAll(() => service?.close());
beforeEach(() => {
  answer = async () => ({ moved: 2 });
});

const api = (...args: Parameters<typeof call> extends [unknown, ...infer Rest] ? Rest : never) => call(service.app, ...args);

async function create(overrides: Record<string, unknown> = {}) {
  const response = await api('POST', '/api/patients', staff, patientInput(overrides));
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as { id: string; name: string; email: string; phone: string | null; address: string | null; dateOfBirth: string };
}

/** A surname no other test uses, so each test's records are only similar to each other. */
const surname = () => `Holloway${randomUUID().replace(/[^a-f]/g, '').slice(0, 6)}`;

const eventsOf = (key: string) =>
  service.database.db.execute<{ type: string; payload: { data: Record<string, unknown> } }>(
    sql`select type, payload from outbox where key = ${key} order by sequence`,
  );

describe('possible duplicates', () => {
  it('ranks similar name with the same birth date, the same normalized email or phone; leaves strangers out', async () => {
    const family = surname();
    const local = `m.${family.toLowerCase()}`;
    const record = await create({ name: `Margaret ${family}`, email: `${local}@gmail.com`, dateOfBirth: '1961-03-09', phone: '+41 79 123 45 67' });
    const typo = await create({ name: `Margret ${family}`, dateOfBirth: '1961-03-09', phone: null });
    const sameEmail = await create({ name: `Peggy Smith ${randomUUID().slice(0, 4)}`, email: `${local.replace('.', '')}+portal@googlemail.com`, phone: null });
    const samePhone = await create({ name: `Walk-in ${randomUUID().slice(0, 4)}`, phone: '079 123 45 67' });
    const stranger = await create({ name: `Bartholomew ${surname()}`, dateOfBirth: '1961-03-09', phone: null });

    const response = await api('GET', `/api/patients/${record.id}/duplicates`, staff);
    expect(response.statusCode).toBe(200);
    const items = response.json().items as { patient: { id: string }; score: number; reasons: string[] }[];
    const byId = new Map(items.map((item) => [item.patient.id, item]));
    expect(byId.get(typo.id)?.reasons).toEqual(['SIMILAR_NAME', 'SAME_DATE_OF_BIRTH']);
    expect(byId.get(sameEmail.id)?.reasons).toEqual(['SAME_EMAIL']);
    expect(byId.get(samePhone.id)?.reasons).toEqual(['SAME_PHONE']);
    expect(byId.has(stranger.id)).toBe(false);
    expect(byId.has(record.id)).toBe(false);
    // Best first.
    expect(items.map((item) => item.score)).toEqual([...items.map((item) => item.score)].sort((a, b) => b - a));
  });

  it('finds candidates through the indexes (one scan per criterion), not by reading every record', async () => {
    // A clinic's worth of records (this file's database is its own), so the planner has real choices.
    const tag = randomUUID().slice(0, 8);
    for (let from = 1; from <= 5_000; from += 500) {
      await service.database.db.execute(sql`
        insert into patients (name, email, phone, date_of_birth)
        select 'Filler ' || md5(i::text || ${tag}), 'filler-' || i || '-' || ${tag} || '@example.com', '+1 555 ' || lpad(i::text, 7, '0'), date '1950-01-01' + i
        from generate_series(${from}::int, ${from + 499}::int) as i`);
    }
    await service.database.db.execute(sql`analyze patients`);
    const [someone] = await service.database.db.execute<SearchSubject>(
      sql`select id, name, email_key, phone_key from patients where name like 'Filler %' limit 1`,
    );
    const plan = await service.database.db.transaction(async (tx) => {
      // As findDuplicatesOf runs it.
      await tx.execute(sql`set local enable_seqscan = off; set local enable_indexscan = off`);
      const rows = await tx.execute<{ 'QUERY PLAN': string }>(
        sql`explain ${duplicatesOfSql(someone!, 20, { actorId: 'test', actorRole: 'staff', requestId: null })}`,
      );
      return rows.map((row) => row['QUERY PLAN']).join('\n');
    });
    for (const index of ['patients_name_trgm_idx', 'patients_email_key_idx', 'patients_phone_key_idx']) expect(plan).toContain(index);
    expect(plan).not.toMatch(/Seq Scan|Index Scan using patients_pkey on patients patients_1/);
  });

  it('lists the clinic\'s pairs for staff; a pair marked "not a duplicate" stops being suggested', async () => {
    const family = surname();
    const first = await create({ name: `Theodora ${family}`, dateOfBirth: '1990-01-02', phone: null });
    const second = await create({ name: `Theodora ${family}`, dateOfBirth: '1990-01-02', phone: null });
    const pairs = async () => {
      const all = [];
      for (let page = 1; ; page += 1) {
        const response = await api('GET', `/api/patients/duplicates?page=${page}&pageSize=100`, staff);
        expect(response.statusCode).toBe(200);
        const body = response.json();
        all.push(...(body.items as { first: { id: string }; second: { id: string }; reasons: string[] }[]));
        if (page * 100 >= body.total) return all;
      }
    };
    const isOurs = (pair: { first: { id: string }; second: { id: string } }) => [pair.first.id, pair.second.id].sort().join() === [first.id, second.id].sort().join();
    expect((await pairs()).find(isOurs)?.reasons).toEqual(['SIMILAR_NAME', 'SAME_DATE_OF_BIRTH']);

    const marked = await api('POST', `/api/patients/${second.id}/not-duplicates`, staff, { otherId: first.id });
    expect(marked.statusCode).toBe(204);
    expect((await pairs()).some(isOurs)).toBe(false);
    const suggestions = await api('GET', `/api/patients/${first.id}/duplicates`, staff);
    expect(suggestions.json().items.map((item: { patient: { id: string } }) => item.patient.id)).not.toContain(second.id);
  });

  it('answers bad requests with 4xx: other roles, unknown ids, a record paired with itself', async () => {
    const record = await create();
    const doctor = userOf(service.tokens, 'doctor').token;
    expect((await api('GET', `/api/patients/${record.id}/duplicates`, doctor)).statusCode).toBe(403);
    expect((await api('GET', '/api/patients/duplicates', doctor)).statusCode).toBe(403);
    expect((await api('GET', `/api/patients/${randomUUID()}/duplicates`, staff)).statusCode).toBe(404);
    expect((await api('POST', `/api/patients/${record.id}/not-duplicates`, staff, { otherId: record.id })).statusCode).toBe(400);
    expect((await api('POST', `/api/patients/${record.id}/not-duplicates`, staff, { otherId: randomUUID() })).statusCode).toBe(404);
  });
});

describe('POST /api/patients/:id/merge', () => {
  it('makes the duplicate a tombstone of the survivor: chosen fields, user link, audit, events', async () => {
    const survivor = await create({ phone: null });
    const duplicate = await create({ address: '9 Elm Road', phone: '+44 20 7946 0000' });
    const user = userOf(service.tokens, 'patient', duplicate.email);
    expect((await api('PUT', `/api/patients/${duplicate.id}/owner`, staff, { userId: user.sub })).statusCode).toBe(200);
    calls.length = 0;

    const response = await api('POST', `/api/patients/${survivor.id}/merge`, staff, {
      duplicateId: duplicate.id,
      keep: { email: 'duplicate', phone: 'duplicate', address: 'duplicate' },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({
      merged: true,
      duplicateId: duplicate.id,
      appointmentsMoved: 2,
      survivor: { id: survivor.id, name: survivor.name, dateOfBirth: survivor.dateOfBirth, email: duplicate.email, phone: duplicate.phone, address: '9 Elm Road', ownerUserId: user.sub },
    });
    // appointment was asked with the caller's own token.
    expect(calls).toEqual([[{ survivorId: survivor.id, duplicateId: duplicate.id }, { requestId: expect.any(String), authorization: `Bearer ${staff}` }]]);

    // Reading the duplicate answers the survivor, and says so; lists show only the survivor.
    const read = await api('GET', `/api/patients/${duplicate.id}`, staff);
    expect(read.json()).toMatchObject({ id: survivor.id, redirectedFrom: duplicate.id, email: duplicate.email });
    const listed = await api('GET', `/api/patients?q=${encodeURIComponent(duplicate.email)}`, staff);
    expect(listed.json().items.map((item: { id: string }) => item.id)).toEqual([survivor.id]);
    // The patient user of the duplicate now reaches the survivor.
    expect((await api('GET', `/api/patients/${survivor.id}`, user.token)).json().id).toBe(survivor.id);
    expect((await api('GET', '/api/patients', user.token)).json().items.map((item: { id: string }) => item.id)).toEqual([survivor.id]);

    // The tombstone keeps its original fields: nothing is lost for a correction by hand.
    const [tombstone] = await service.database.db.execute<{ merged_into: string; email: string; address: string }>(
      sql`select merged_into, email, address from patients where id = ${duplicate.id}`,
    );
    expect(tombstone).toEqual({ merged_into: survivor.id, email: duplicate.email, address: '9 Elm Road' });

    // MERGE in both audit trails, each naming the other record.
    for (const [id, other] of [[survivor.id, duplicate.id], [duplicate.id, survivor.id]] as const) {
      const audit = await api('GET', `/api/patients/audit?patientId=${id}`, admin);
      expect(audit.json().items.filter((entry: { action: string }) => entry.action === 'MERGE')).toEqual([
        expect.objectContaining({ patientId: id, relatedPatientId: other, actorRole: 'staff' }),
      ]);
    }
    // PatientMerged follows every event of the duplicate (its key); the survivor announces its new fields.
    expect((await eventsOf(duplicate.id)).map((event) => event.type)).toEqual(['PatientCreated', 'PatientUpdated', 'PatientMerged']);
    expect((await eventsOf(duplicate.id)).at(-1)?.payload.data).toMatchObject({
      duplicatePatientId: duplicate.id,
      survivorPatientId: survivor.id,
      movedOwnerUserId: user.sub,
    });
    expect((await eventsOf(survivor.id)).at(-1)).toMatchObject({ type: 'PatientUpdated', payload: { data: { email: duplicate.email, ownerUserId: user.sub } } });
  });

  it('a merge that finds the duplicate merged already is a no-op', async () => {
    const survivor = await create();
    const duplicate = await create();
    expect((await api('POST', `/api/patients/${survivor.id}/merge`, staff, { duplicateId: duplicate.id })).json().merged).toBe(true);
    const again = await api('POST', `/api/patients/${survivor.id}/merge`, admin, { duplicateId: duplicate.id });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ merged: false, survivor: { id: survivor.id } });
    expect((await eventsOf(duplicate.id)).filter((event) => event.type === 'PatientMerged')).toHaveLength(1);
    // Either way round is refused now: the duplicate is a tombstone.
    const reverse = await api('POST', `/api/patients/${duplicate.id}/merge`, staff, { duplicateId: survivor.id });
    expect(reverse.statusCode).toBe(409);
    expect(reverse.json().code).toBe('PATIENT_ALREADY_MERGED');
  });

  it('two merges of the same pair racing end with one merge', async () => {
    const survivor = await create();
    const duplicate = await create();
    // appointment takes a while: both requests are in flight together.
    answer = async () => {
      await new Promise((resolve) => setTimeout(resolve, 200));
      return { moved: 0 };
    };
    const body = { duplicateId: duplicate.id };
    const outcomes = await Promise.all([
      api('POST', `/api/patients/${survivor.id}/merge`, staff, body),
      api('POST', `/api/patients/${survivor.id}/merge`, admin, body),
      // And one the other way round, which must lose to whichever came first.
      api('POST', `/api/patients/${duplicate.id}/merge`, staff, { duplicateId: survivor.id }),
    ]);
    const merged = outcomes.filter((response) => response.statusCode === 200 && response.json().merged === true);
    expect(merged).toHaveLength(1);
    for (const response of outcomes.filter((outcome) => !merged.includes(outcome))) {
      // Refused while the first holds the records (MERGE_IN_PROGRESS), or, after it, a no-op or a 409 for the reverse pair.
      expect([200, 409]).toContain(response.statusCode);
      if (response.statusCode === 200) expect(response.json().merged).toBe(false);
      else expect(['MERGE_IN_PROGRESS', 'PATIENT_ALREADY_MERGED']).toContain(response.json().code);
    }
    // Tried again, the winning merge is a no-op.
    const winner = merged[0]!.json() as { survivor: { id: string }; duplicateId: string };
    const again = await api('POST', `/api/patients/${winner.survivor.id}/merge`, staff, { duplicateId: winner.duplicateId });
    expect(again.json()).toMatchObject({ merged: false });
    const mergedEvents = [...(await eventsOf(duplicate.id)), ...(await eventsOf(survivor.id))].filter((event) => event.type === 'PatientMerged');
    expect(mergedEvents).toHaveLength(1);
    const [counted] = await service.database.db.execute<{ n: string }>(
      sql`select count(*) as n from audit_log where action = 'MERGE' and patient_id in (${survivor.id}::uuid, ${duplicate.id}::uuid)`,
    );
    expect(Number(counted?.n)).toBe(2);
  });

  it("appointment's refusal (overlapping appointments) refuses the merge with nothing merged", async () => {
    const survivor = await create();
    const duplicate = await create();
    answer = async () => {
      throw new AppError('CONFLICT', 'appointment refused the merge: 1 overlapping appointment(s)', 'APPOINTMENTS_OVERLAP', [
        { field: `appointments.${randomUUID()}`, message: 'overlaps appointment x of the survivor' },
      ]);
    };
    const response = await api('POST', `/api/patients/${survivor.id}/merge`, staff, { duplicateId: duplicate.id });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ code: 'APPOINTMENTS_OVERLAP', details: [expect.objectContaining({ message: expect.stringContaining('overlaps') })] });
    expect((await api('GET', `/api/patients/${duplicate.id}`, staff)).json()).toEqual(expect.objectContaining({ id: duplicate.id }));
    expect((await eventsOf(duplicate.id)).map((event) => event.type)).toEqual(['PatientCreated']);
  });

  it('answers bad requests with 4xx and merges nothing', async () => {
    const survivor = await create();
    const duplicate = await create();
    const patientUser = userOf(service.tokens, 'patient').token;
    const doctor = userOf(service.tokens, 'doctor').token;
    expect((await api('POST', `/api/patients/${survivor.id}/merge`, patientUser, { duplicateId: duplicate.id })).statusCode).toBe(403);
    expect((await api('POST', `/api/patients/${survivor.id}/merge`, doctor, { duplicateId: duplicate.id })).statusCode).toBe(403);
    expect((await api('POST', `/api/patients/${survivor.id}/merge`, staff, { duplicateId: survivor.id })).statusCode).toBe(400);
    expect((await api('POST', `/api/patients/${survivor.id}/merge`, staff, { duplicateId: randomUUID() })).statusCode).toBe(404);
    expect((await api('POST', `/api/patients/${survivor.id}/merge`, staff, { duplicateId: duplicate.id, keep: { name: 'other' } })).statusCode).toBe(400);
    expect((await api('POST', `/api/patients/${survivor.id}/merge`, staff, {})).statusCode).toBe(400);
    // Both linked to user accounts: one must be unlinked first.
    for (const record of [survivor, duplicate]) {
      await api('PUT', `/api/patients/${record.id}/owner`, staff, { userId: randomUUID() });
    }
    const bothLinked = await api('POST', `/api/patients/${survivor.id}/merge`, staff, { duplicateId: duplicate.id });
    expect(bothLinked.statusCode).toBe(409);
    expect(bothLinked.json().code).toBe('BOTH_LINKED');
    expect((await eventsOf(duplicate.id)).some((event) => event.type === 'PatientMerged')).toBe(false);
  });
});

describe('FHIR Patient after a merge', () => {
  let validator: FhirValidator;
  // HAPI's validator takes a while to start on a busy machine: before the test, with the hook's time.
  beforeAll(async () => {
    validator = await sharedFhirValidator();
  });

  it('the tombstone is an inactive Patient replaced-by the survivor; the survivor replaces it; both valid R4', async () => {
    const survivor = await create();
    const duplicate = await create();
    expect((await api('POST', `/api/patients/${survivor.id}/merge`, staff, { duplicateId: duplicate.id })).json().merged).toBe(true);
    const read = async (id: string) => {
      const response = await service.app.inject({ method: 'GET', url: `/fhir/R4/Patient/${id}`, headers: { accept: 'application/fhir+json', authorization: `Bearer ${staff}` } });
      expect(response.statusCode).toBe(200);
      await expectValidFhir(validator, response.json(), `Patient/${id}`);
      return response.json() as FhirPatient;
    };
    const tombstone = await read(duplicate.id);
    expect(tombstone).toMatchObject({ id: duplicate.id, active: false, link: [{ type: 'replaced-by', other: { reference: `Patient/${survivor.id}` } }] });
    // The tombstone keeps what it said.
    expect(tombstone.telecom).toContainEqual({ system: 'email', value: duplicate.email });
    expect(await read(survivor.id)).toMatchObject({ id: survivor.id, active: true, link: [{ type: 'replaces', other: { reference: `Patient/${duplicate.id}` } }] });
  });
});
