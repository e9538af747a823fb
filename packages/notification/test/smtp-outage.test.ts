import { randomUUID } from 'node:crypto';
import { topics, type Notification, type NotificationPage } from '@pms/contracts';
import { freePort, startSmtpSink, type SmtpSink } from '@pms/devstack';
import type { DatabaseHandle } from '@pms/platform';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { batchedSentRecorder, claimMessages, deliverMessage, type DeliveryPolicy } from '../src/domain/delivery.js';
import { queueManualEmail } from '../src/domain/notifications.js';
import { booking, bearer, connectProducer, envelope, mailbox, publish, quiet, startTestApp, testDatabase, uniqueEmail, type TestApp } from './support.js';

describe('SMTP down, then back', () => {
  let sink: SmtpSink;
  let service: TestApp;
  let producer: Producer;

  beforeAll(async () => {
    // A sink of this file's own, on fixed ports, that the test takes down and brings back.
    sink = await startSmtpSink({ smtpPort: await freePort(), httpPort: await freePort() });
    service = await startTestApp({ smtp: { host: sink.host, port: sink.smtpPort } });
    producer = await connectProducer(service.kafka);
  });

  afterAll(async () => {
    await producer?.disconnect();
    await service?.close();
    await sink?.stop();
  });

  const logOf = async (recipient: string) => {
    const response = await service.app.inject({ url: '/api/notifications', query: { recipient }, headers: bearer('staff') });
    return response.json<NotificationPage>().items;
  };

  it('records the failure, retries with backoff, and sends the email exactly once when SMTP is back', async () => {
    await sink.setAvailable(false);
    const data = booking();
    await publish(producer, topics.appointment, data.appointmentId, envelope('AppointmentBooked', data.appointmentId, data));

    // Two failed attempts: the first one and at least one retry after the backoff.
    const [failed] = await vi.waitFor(
      async () => {
        const rows = await logOf(data.patient.email);
        expect(rows[0]?.status).toBe('FAILED');
        expect(rows[0]?.attempts).toBeGreaterThanOrEqual(2);
        return rows;
      },
      { timeout: 20_000 },
    );
    expect(failed).toMatchObject({ status: 'FAILED', sentAt: null, error: expect.stringMatching(/ECONNREFUSED/) });
    expect(Date.parse(failed!.nextAttemptAt!)).toBeGreaterThan(Date.parse(failed!.createdAt));
    expect(sink.messages()).toHaveLength(0);

    await sink.setAvailable(true);
    const [sent] = await vi.waitFor(
      async () => {
        const rows = await logOf(data.patient.email);
        expect(rows[0]?.status).toBe('SENT');
        return rows;
      },
      { timeout: 20_000 },
    );
    expect(sent).toMatchObject({ error: null, nextAttemptAt: null, sentAt: expect.any(String) });
    // At least: the attempt claimed just before SMTP came back may be the one that succeeds.
    expect(sent!.attempts).toBeGreaterThanOrEqual(failed!.attempts);

    // Another message sent after it proves the worker went round again without resending the first.
    const later = uniqueEmail('later');
    const response = await service.app.inject({ method: 'POST', url: '/api/notifications/email', headers: bearer('staff'), payload: { to: later, subject: 'Later', text: 'x' } });
    expect(response.json<Notification>().status).toBe('PENDING');
    await expect.poll(async () => (await logOf(later))[0]?.status, { timeout: 20_000 }).toBe('SENT');

    const inbox = mailbox(sink.apiUrl);
    const mails = await inbox.to(data.patient.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.Subject).toBe('Appointment confirmed: Tuesday, 24 November 2026, 09:30 (Europe/Berlin)');
  });
});

describe('delivery attempts', () => {
  let database: DatabaseHandle;
  const policy: DeliveryPolicy = { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 1, concurrency: 5, leaseMs: 60_000 };
  const failing = { email: { send: () => Promise.reject(new Error('550 mailbox unavailable')) }, sms: { send: async () => {} } };

  beforeAll(async () => {
    database = await testDatabase();
  });
  afterAll(() => database?.close());

  const row = async (id: string) => (await database.sql<{ status: string; attempts: number; error: string; next_attempt_at: Date | null }[]>`
    select status, attempts, error, next_attempt_at from notifications where id = ${id}`)[0];

  it('gives up after the last attempt and leaves the message FAILED with its error', async () => {
    const queued = await queueManualEmail({ db: database.db, wakeDelivery: () => undefined }, { principal: { userId: randomUUID(), role: 'staff' }, requestId: 'smtp-outage' }, { to: uniqueEmail('gone'), subject: 'S', text: 'T' });
    for (let attempt = 1; attempt <= policy.maxAttempts; attempt += 1) {
      const claimed = await vi.waitFor(
        async () => {
          const rows = await claimMessages(database.db, policy, 5);
          expect(rows.length, `attempt ${attempt} due`).toBeGreaterThan(0);
          return rows;
        },
        { timeout: 20_000 },
      );
      expect(claimed.map((claim) => [claim.id, claim.attempts])).toEqual([[queued.id, attempt]]);
      // Claimed: a second worker gets nothing until this one has recorded the outcome.
      expect(await claimMessages(database.db, policy, 5)).toEqual([]);
      await deliverMessage(database.db, failing, policy, quiet, batchedSentRecorder(database.db, quiet), claimed[0]!);
    }
    expect(await row(queued.id)).toMatchObject({ status: 'FAILED', attempts: 3, error: '550 mailbox unavailable', next_attempt_at: null });
    expect(await claimMessages(database.db, policy, 5)).toEqual([]);
  });
});

describe('recording sends', () => {
  let database: DatabaseHandle;
  const policy: DeliveryPolicy = { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 1, concurrency: 10, leaseMs: 60_000 };
  const staff = { principal: { userId: randomUUID(), role: 'staff' as const }, requestId: 'recording-sends' };

  beforeAll(async () => {
    database = await testDatabase();
  });
  afterAll(() => database?.close());

  const claimQueued = async (count: number) => {
    const ids = new Set<string>();
    for (let i = 0; i < count; i += 1) {
      const queued = await queueManualEmail({ db: database.db, wakeDelivery: () => undefined }, staff, { to: uniqueEmail('batch'), subject: 'S', text: 'T' });
      ids.add(queued.id);
    }
    return (await claimMessages(database.db, policy, 100)).filter((row) => ids.has(row.id));
  };
  const statusOf = async (ids: string[]) =>
    (await database.sql<{ status: string; sent_at: Date | null }[]>`select status, sent_at from notifications where id = any(${ids}::uuid[])`);

  /** The database handle with its statements counted, and the first `failures` of them failing. */
  const counted = (failures = 0) => {
    const calls = { statements: 0 };
    const db = new Proxy(database.db, {
      get(target, key, receiver) {
        if (key !== 'execute') return Reflect.get(target, key, receiver);
        return (...args: Parameters<typeof target.execute>) => {
          calls.statements += 1;
          if (calls.statements <= failures) return Promise.reject(new Error('connection reset'));
          return target.execute(...args);
        };
      },
    });
    return { db, calls };
  };

  it('writes the sends that finish while a write runs in one statement, and every one becomes SENT', async () => {
    const claimed = await claimQueued(6);
    expect(claimed).toHaveLength(6);
    const { db, calls } = counted();
    const record = batchedSentRecorder(db, quiet);
    await Promise.all(claimed.map((row) => record(row.id, { notificationId: row.id })));
    // The first alone (nothing to wait for), the five that came during its write together.
    expect(calls.statements).toBe(2);
    const rows = await statusOf(claimed.map((row) => row.id));
    expect(rows).toHaveLength(6);
    expect(rows.every((row) => row.status === 'SENT' && row.sent_at !== null)).toBe(true);
  });

  it('retries a failed write, so a database hiccup does not leave a sent message to be sent again', async () => {
    const claimed = await claimQueued(2);
    const { db, calls } = counted(2);
    const record = batchedSentRecorder(db, quiet, { initialDelayMs: 1 });
    await Promise.all(claimed.map((row) => record(row.id, { notificationId: row.id })));
    expect(calls.statements).toBeGreaterThanOrEqual(3);
    expect((await statusOf(claimed.map((row) => row.id))).map((row) => row.status)).toEqual(['SENT', 'SENT']);
  });
});
