import { randomUUID } from 'node:crypto';
import { demoDefaults, type RunningSystem, type ServiceName } from '@pms/devstack';
import type {} from '../../devstack/src/vitest-provided.js';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { gatewayClient, type GatewayClient } from '../src/client.js';
import { startTestSystem, type TestSystem } from '../src/system.js';

// Two processes of every service that consumes or relays events, against the same databases
// and Kafka, the way a cluster runs them. Everything is driven through the gateway; halfway
// through, the second process of each is SIGKILLed and the first has to finish the work.
const replicated = ['patient', 'doctor', 'appointment', 'billing', 'notification', 'analytics'] as const satisfies readonly ServiceName[];
/** Consumer groups (the services' default KAFKA_GROUP_ID). */
const groups = ['patient', 'doctor', 'billing', 'notification', 'analytics'] as const;
const withOutbox = ['patient', 'doctor', 'appointment', 'billing'] as const;

let system: RunningSystem;
let api: GatewayClient;
let kafka: Kafka;
let running: TestSystem;
/** The databases the test reads (outboxes, the notification log, the patient audit trail). */
let databases: TestSystem['databases'];
const smtpApiUrl = inject('smtpApiUrl');
/** Messages one notification replica sends at once. */
const notificationConcurrency = 4;

beforeAll(async () => {
  running = await startTestSystem(
    'replicas',
    // A message claimed by the killed replica is sent by the survivor once the claim expires.
    // Fourteen processes on two shared cores: calls may wait far longer than on an idle machine.
    {
      NOTIFICATION_LEASE_MS: '15000',
      NOTIFICATION_CONCURRENCY: String(notificationConcurrency),
      UPSTREAM_TIMEOUT_MS: '30000',
      GRPC_DEADLINE_MS: '10000',
      BILLING_DEADLINE_MS: '10000',
      PATIENT_GRPC_DEADLINE_MS: '10000',
      APPOINTMENT_DEADLINE_MS: '20000',
    },
    { replicas: replicated, databases: [...withOutbox, 'notification'], readyTimeoutMs: 180_000 },
  );
  ({ system, databases } = running);
  api = gatewayClient(system.gatewayUrl, 40_000);
  kafka = new Kafka({ clientId: 'replicas-test', brokers: inject('kafkaBrokers').split(','), logLevel: logLevel.NOTHING });
});

afterAll(() => running?.stop());

/** Members of each consumer group by client id (`billing`, `billing-replica`). */
async function groupMembers(): Promise<Record<string, string[]>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups: described } = await admin.describeGroups([...groups]);
    return Object.fromEntries(described.map((group) => [group.groupId, group.state === 'Stable' ? group.members.map((m) => m.clientId).sort() : []]));
  } finally {
    await admin.disconnect();
  }
}

/** Events not yet applied: unsent outbox rows, and consumer lag summed over every group and partition. */
async function backlog(): Promise<{ unsent: number; lag: number }> {
  let unsent = 0;
  for (const name of withOutbox) {
    const [row] = await databases[name]!<{ n: number }[]>`select count(*)::int as n from outbox where sent_at is null`;
    unsent += row!.n;
  }
  const admin = kafka.admin();
  await admin.connect();
  let lag = 0;
  try {
    for (const groupId of groups) {
      for (const { topic, partitions } of await admin.fetchOffsets({ groupId })) {
        if (topic.endsWith('.dlq')) continue;
        const ends = await admin.fetchTopicOffsets(topic);
        for (const end of ends) {
          const committed = Number(partitions.find((p) => p.partition === end.partition)?.offset ?? -1);
          lag += Number(end.high) - (committed < 0 ? Number(end.low) : committed);
        }
      }
    }
  } finally {
    await admin.disconnect();
  }
  return { unsent, lag };
}

interface Mail {
  Subject: string;
  Created: string;
  MessageID: string;
}
const mailsTo = async (address: string): Promise<Mail[]> => {
  const response = await fetch(`${smtpApiUrl}/api/v1/search?query=${encodeURIComponent(`to:${address}`)}&limit=100`);
  return ((await response.json()) as { messages: Mail[] }).messages;
};

function tomorrowUtc(): { from: string; to: string } {
  const day = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  return { from: `${day}T00:00:00Z`, to: `${day}T23:59:59Z` };
}

interface Booking {
  id: string;
  doctorId: string;
  startsAt: string;
  cancelled: boolean;
}
interface PatientRun {
  id: string;
  email: string;
  bookings: Booking[];
}

describe('two replicas of every consuming and relaying service', () => {
  let admin: string;
  const doctorIds: string[] = [];
  const freeSlots: { doctorId: string; startsAt: string }[] = [];
  const patients: PatientRun[] = [];
  let done = 0;
  const window = tomorrowUtc();

  /** One patient: created, two bookings, the first cancelled; in that order, through the gateway. */
  async function patientStory(label: string): Promise<PatientRun> {
    const email = `${label}-${randomUUID().slice(0, 8)}@replicas.example`;
    const created = await api.post('/api/patients', { name: `Replica ${label}`, email, dateOfBirth: '1979-02-03' }, admin);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const run: PatientRun = { id: created.body.id, email, bookings: [] };
    patients.push(run);
    for (let i = 0; i < 2; i += 1) {
      // A free slot at a time this patient has not booked yet (the list interleaves the doctors).
      const slot = freeSlots.splice(freeSlots.findIndex((free) => !run.bookings.some((b) => b.startsAt === free.startsAt)), 1)[0]!;
      const booked = await api.post('/api/appointments', { patientId: run.id, doctorId: slot.doctorId, startsAt: slot.startsAt, reason: 'replicas' }, admin);
      expect(booked.status, JSON.stringify(booked.body)).toBe(201);
      run.bookings.push({ id: booked.body.id, doctorId: slot.doctorId, startsAt: slot.startsAt, cancelled: false });
    }
    const first = run.bookings[0]!;
    const cancel = await api.post(`/api/appointments/${first.id}/cancel`, { reason: 'replicas' }, admin);
    expect(cancel.status, JSON.stringify(cancel.body)).toBe(200);
    first.cancelled = true;
    done += 1;
    return run;
  }

  /** A merge under load (issue 23): the survivor, the duplicate, and every booking either had. */
  const merge = { survivorId: '', duplicateId: '', duplicateEmail: '', survivorEmail: '', bookings: [] as Booking[], outcomes: [] as { status: number; merged?: boolean; code?: string }[] };

  /** A free slot at a time neither record of the merge has booked: their appointments never overlap. */
  function mergeSlot(): { doctorId: string; startsAt: string } {
    const taken = new Set(merge.bookings.map((booking) => booking.startsAt));
    return freeSlots.splice(freeSlots.findIndex((free) => !taken.has(free.startsAt)), 1)[0]!;
  }

  async function bookFor(patientId: string): Promise<Booking> {
    const slot = mergeSlot();
    const booking: Booking = { id: '', doctorId: slot.doctorId, startsAt: slot.startsAt, cancelled: false };
    merge.bookings.push(booking);
    const booked = await api.post('/api/appointments', { patientId, doctorId: slot.doctorId, startsAt: slot.startsAt, reason: 'merge' }, admin);
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    booking.id = booked.body.id;
    return booking;
  }

  async function cancel(booking: Booking): Promise<void> {
    const cancelled = await api.post(`/api/appointments/${booking.id}/cancel`, { reason: 'merge' }, admin);
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    booking.cancelled = true;
  }

  /**
   * Two records of one person, each with bookings; then, while bookings and cancellations for both
   * keep coming, the merge, sent twice at once (a double click, two staff): one of them merges.
   */
  async function mergeStory(): Promise<void> {
    const create = async (label: string) => {
      const email = `merge-${label}-${randomUUID().slice(0, 8)}@replicas.example`;
      const created = await api.post('/api/patients', { name: `Merge ${label}`, email, dateOfBirth: '1966-06-06' }, admin);
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      return { id: created.body.id as string, email };
    };
    const [survivor, duplicate] = [await create('survivor'), await create('duplicate')];
    Object.assign(merge, { survivorId: survivor.id, duplicateId: duplicate.id, survivorEmail: survivor.email, duplicateEmail: duplicate.email });
    for (const id of [survivor.id, duplicate.id, duplicate.id]) await bookFor(id);
    const load = (async () => {
      for (let round = 0; round < 3; round += 1) {
        const [forDuplicate, forSurvivor] = [await bookFor(duplicate.id), await bookFor(survivor.id)];
        await cancel(round % 2 === 0 ? forDuplicate : forSurvivor);
      }
    })();
    const body = { duplicateId: duplicate.id, keep: { name: 'duplicate' } };
    const sent = await Promise.all([1, 2].map(() => api.post(`/api/patients/${survivor.id}/merge`, body, admin)));
    merge.outcomes = sent.map((response) => ({ status: response.status, merged: response.body?.merged, code: response.body?.code }));
    await load;
    // And one more of each after the merge: the duplicate's lands on the survivor.
    await bookFor(duplicate.id);
    await bookFor(survivor.id);
  }

  it('every replica joins its consumer group', async () => {
    await expect
      .poll(groupMembers, { timeout: 60_000, interval: 500 })
      .toEqual(Object.fromEntries(groups.map((group) => [group, [group, `${group}-replica`]])));
  });

  it('the admin creates three doctors with a free day tomorrow', async () => {
    admin = await api.login(demoDefaults.ADMIN_EMAIL, demoDefaults.ADMIN_PASSWORD);
    const hours = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '08:00', end: '18:00' }));
    for (const n of [1, 2, 3]) {
      const doctor = await api.post('/api/doctors', { name: `Dr. Replica ${n}`, email: `replica-${n}-${randomUUID().slice(0, 8)}@replicas.example`, specialty: 'CARDIOLOGY' }, admin);
      expect(doctor.status).toBe(201);
      expect((await api.put(`/api/doctors/${doctor.body.id}/schedule`, { timeZone: 'Europe/Berlin', slotMinutes: 30, hours }, admin)).status).toBe(200);
      doctorIds.push(doctor.body.id);
      const { body } = await api.get(`/api/doctors/${doctor.body.id}/availability?from=${window.from}&to=${window.to}`, admin);
      freeSlots.push(...body.slots.map((slot: { startsAt: string }) => ({ doctorId: doctor.body.id, startsAt: slot.startsAt })));
    }
    expect(freeSlots.length).toBeGreaterThanOrEqual(28);
    // Interleave the doctors so consecutive bookings hit different keys and partitions.
    freeSlots.sort((a, b) => a.startsAt.localeCompare(b.startsAt) || a.doctorId.localeCompare(b.doctorId));
  });

  it('patients are created, book and cancel while the second process of every service is SIGKILLed', async () => {
    // Wave 1 with both replicas working.
    await Promise.all([1, 2, 3, 4].map((n) => patientStory(`w1p${n}`)));
    // Wave 2 and a merge under load in flight when the replicas die: the kill lands while events
    // (PatientMerged among them) stream through.
    const wave2 = Promise.all([...[1, 2, 3, 4, 5, 6].map((n) => patientStory(`w2p${n}`)), mergeStory()]);
    await expect.poll(() => done, { timeout: 120_000, interval: 20 }).toBeGreaterThanOrEqual(6);
    await Promise.all(
      replicated.map(async (name) => {
        const replica = system.replicas[name]!.process;
        process.kill(replica.pid, 'SIGKILL');
        expect(await replica.exited).toBe('SIGKILL');
      }),
    );
    await wave2;
    // Wave 3 with only the survivors.
    await Promise.all([1, 2, 3, 4].map((n) => patientStory(`w3p${n}`)));
    expect(patients).toHaveLength(14);
    // The survivors took over every group alone.
    await expect.poll(groupMembers, { timeout: 60_000, interval: 500 }).toEqual(Object.fromEntries(groups.map((group) => [group, [group]])));
  });

  it('everything is applied: no event waits in an outbox or a consumer group', async () => {
    // Until this holds no further effect can appear, so the exact counts below are final.
    await expect.poll(backlog, { timeout: 120_000, interval: 500 }).toEqual({ unsent: 0, lag: 0 });
    await expect
      .poll(async () => (await databases.notification!<{ n: number }[]>`select count(*)::int as n from notifications where status <> 'SENT'`)[0]!.n, { timeout: 60_000, interval: 500 })
      .toBe(0);
  });

  it('one invoice per booking, voided exactly for the cancelled ones', async () => {
    for (const patient of patients) {
      const { body } = await api.get(`/api/billing/invoices?patientId=${patient.id}`, admin);
      const invoices = body.items as { appointmentId: string; status: string }[];
      expect(invoices.map((invoice) => invoice.appointmentId).sort()).toEqual(patient.bookings.map((b) => b.id).sort());
      for (const booking of patient.bookings) {
        // VOID proves the cancellation was applied after the booking (order per key kept).
        expect(invoices.find((invoice) => invoice.appointmentId === booking.id)?.status).toBe(booking.cancelled ? 'VOID' : 'PENDING');
      }
    }
  });

  it('one email per notification, the confirmation applied before the cancellation', async () => {
    const resent: { subject: string; attempts: number }[] = [];
    for (const patient of patients) {
      const mails = await mailsTo(patient.email);
      // One message per notification row: its id is the Message-ID the recipient deduplicates by.
      const byId = new Map(mails.map((mail) => [/[0-9a-f-]{36}/.exec(mail.MessageID)![0], mail.Subject]));
      const subjects = [...byId.values()];
      const rows = await databases.notification!<{ id: string; subject: string; attempts: number }[]>`
        select id, subject, attempts from notifications where recipient = ${patient.email} and channel = 'EMAIL' order by created_at, id`;
      expect([...byId.keys()].sort(), subjects.join('\n')).toEqual(rows.map((row) => row.id).sort());
      const booked = patient.bookings.length;
      const cancelledCount = patient.bookings.filter((booking) => booking.cancelled).length;
      expect(booked).toBe(2);
      expect(subjects.filter((s) => s === 'Welcome to our clinic'), patient.email).toHaveLength(1);
      expect(subjects.filter((s) => s.startsWith('Appointment confirmed')), patient.email).toHaveLength(booked);
      expect(subjects.filter((s) => s.startsWith('Your invoice')), patient.email).toHaveLength(booked);
      const cancelled = subjects.filter((s) => s.startsWith('Appointment cancelled'));
      expect(cancelled, patient.email).toHaveLength(cancelledCount);
      expect(byId.size).toBe(1 + 2 * booked + cancelledCount);
      // Order per key: notification applied each appointment's booking before its cancellation
      // (its log, in the order the events were consumed; the mails themselves go out in parallel).
      const applied = rows.map((row) => row.subject);
      for (const subject of cancelled) {
        const when = subject.slice('Appointment cancelled: '.length);
        expect(applied.indexOf(`Appointment confirmed: ${when}`), applied.join('\n')).toBeGreaterThanOrEqual(0);
        expect(applied.indexOf(`Appointment confirmed: ${when}`), applied.join('\n')).toBeLessThan(applied.indexOf(subject));
      }
      // A second SMTP delivery of the same message happens only to one the killed replica had
      // handed to the SMTP server but not yet recorded as sent: the survivor sends it again once
      // the claim expires (SMTP has no transactions; the repeated Message-ID lets mail clients
      // drop the copy).
      for (const row of rows) {
        const copies = mails.filter((mail) => mail.MessageID.includes(row.id)).length;
        if (copies > 1) resent.push({ subject: row.subject, attempts: row.attempts });
        if (copies > 1) expect(row.attempts, row.subject).toBeGreaterThan(1);
      }
    }
    if (resent.length) console.info(`sent twice across the SIGKILL (in flight in the killed replica): ${JSON.stringify(resent)}`);
    expect(resent.length).toBeLessThanOrEqual(notificationConcurrency);
  });

  it('analytics counts every booking and cancellation exactly once', async () => {
    const from = new Date(Date.now() - 86_400_000).toISOString();
    const to = new Date(Date.parse(window.to) + 86_400_000).toISOString();
    const { status, body } = await api.get(`/api/analytics/summary?from=${from}&to=${to}`, admin);
    expect(status).toBe(200);
    const bookings = [...patients.flatMap((patient) => patient.bookings), ...merge.bookings];
    for (const doctorId of doctorIds) {
      const row = body.byDoctor.find((entry: { doctorId: string }) => entry.doctorId === doctorId) ?? { appointmentsBooked: 0, appointmentsCancelled: 0 };
      const mine = bookings.filter((booking) => booking.doctorId === doctorId);
      expect(row, doctorId).toMatchObject({
        appointmentsBooked: mine.length,
        appointmentsCancelled: mine.filter((booking) => booking.cancelled).length,
      });
    }
  });

  it("the doctors' availability shows exactly the slots still booked as taken", async () => {
    for (const doctorId of doctorIds) {
      const { body } = await api.get(`/api/doctors/${doctorId}/availability?from=${window.from}&to=${window.to}`, admin);
      const free = new Set(body.slots.map((slot: { startsAt: string }) => slot.startsAt));
      for (const booking of [...patients.flatMap((patient) => patient.bookings), ...merge.bookings].filter((b) => b.doctorId === doctorId)) {
        expect(free.has(booking.startsAt), `${booking.startsAt} cancelled=${booking.cancelled}`).toBe(booking.cancelled);
      }
    }
  });

  it('the merge under load: one merge, and every appointment, invoice and email of both records on the survivor, once', async () => {
    expect(merge.outcomes.filter((outcome) => outcome.status === 200 && outcome.merged === true)).toHaveLength(1);
    // The other was refused while the first held the records (409 MERGE_IN_PROGRESS), or found it done (merged: false).
    expect(merge.outcomes.every((outcome) => outcome.status === 200 || outcome.status === 409)).toBe(true);
    const { survivorId, duplicateId } = merge;
    const ids = merge.bookings.map((booking) => booking.id).sort();
    expect(ids).toHaveLength(11);

    // appointment: every booking of either record is the survivor's; the duplicate has none.
    const appointmentsOf = async (patientId: string) =>
      ((await api.get(`/api/appointments?patientId=${patientId}&pageSize=100`, admin)).body.items as { id: string; status: string }[]);
    const appointments = await appointmentsOf(survivorId);
    expect(appointments.map((appointment) => appointment.id).sort()).toEqual(ids);
    for (const booking of merge.bookings) {
      expect(appointments.find((appointment) => appointment.id === booking.id)?.status).toBe(booking.cancelled ? 'CANCELLED' : 'BOOKED');
    }
    expect(await appointmentsOf(duplicateId)).toEqual([]);

    // billing: one invoice per booking on the survivor's account, voided exactly for the cancelled ones.
    const invoicesOf = async (patientId: string) =>
      ((await api.get(`/api/billing/invoices?patientId=${patientId}&pageSize=100`, admin)).body.items as { appointmentId: string; status: string }[]);
    const invoices = await invoicesOf(survivorId);
    expect(invoices.map((invoice) => invoice.appointmentId).sort()).toEqual(ids);
    for (const booking of merge.bookings) {
      expect(invoices.find((invoice) => invoice.appointmentId === booking.id)?.status).toBe(booking.cancelled ? 'VOID' : 'PENDING');
    }
    expect(await invoicesOf(duplicateId)).toEqual([]);
    const account = await api.get(`/api/billing/accounts/${duplicateId}`, admin);
    expect(account.body.status).toBe('MERGED');

    // notification: every message about either record is logged for the survivor, none twice, none left on the duplicate.
    const logged = await databases.notification!<{ subject: string; patient_id: string }[]>`
      select subject, patient_id from notifications where patient_id in (${survivorId}::uuid, ${duplicateId}::uuid) and channel = 'EMAIL'`;
    expect(logged.filter((row) => row.patient_id === duplicateId)).toEqual([]);
    const count = (prefix: string) => logged.filter((row) => row.subject.startsWith(prefix)).length;
    const cancelledCount = merge.bookings.filter((booking) => booking.cancelled).length;
    expect([count('Appointment confirmed'), count('Your invoice'), count('Appointment cancelled')]).toEqual([ids.length, ids.length, cancelledCount]);
    const [reminders] = await databases.notification!<{ n: number }[]>`select count(*)::int as n from reminders where patient_id = ${duplicateId}`;
    expect(reminders!.n).toBe(0);

    // patient: the duplicate reads as the survivor; MERGE in both audit trails.
    const read = await api.get(`/api/patients/${duplicateId}`, admin);
    expect(read.body).toMatchObject({ id: survivorId, redirectedFrom: duplicateId });
    const [audit] = await databases.patient!<{ n: number }[]>`
      select count(*)::int as n from audit_log where action = 'MERGE' and patient_id in (${survivorId}::uuid, ${duplicateId}::uuid)`;
    expect(audit!.n).toBe(2);
  });
});
