import { randomUUID } from 'node:crypto';
import { demoDefaults } from '@pms/devstack';
import type {} from '../../devstack/src/vitest-provided.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { gatewayClient, type GatewayClient } from '../src/client.js';
import { eventually } from '../src/eventually.js';
import { startTestSystem, type TestSystem } from '../src/system.js';

// The whole system as `npm start` runs it (one process per service), driven only through the
// gateway, the way a clinic's front end would.
let running: TestSystem;
let api: GatewayClient;
// `npm run compose:smoke` points the journey at a running stack (its gateway and Mailpit) instead.
const external = process.env.PMS_GATEWAY_URL;
const smtpApiUrl = process.env.PMS_SMTP_API_URL ?? inject('smtpApiUrl');

beforeAll(async () => {
  if (external) {
    api = gatewayClient(external, 30_000);
    return;
  }
  running = await startTestSystem('e2e');
  api = gatewayClient(running.system.gatewayUrl);
});

afterAll(() => running?.stop());

interface Mail {
  ID: string;
  Subject: string;
  To: { Address: string }[];
}
const mailsTo = async (address: string): Promise<Mail[]> => {
  const response = await fetch(`${smtpApiUrl}/api/v1/search?query=${encodeURIComponent(`to:${address}`)}`);
  return ((await response.json()) as { messages: Mail[] }).messages;
};
// The first email of a run waits for notification's consumer groups to settle: on a busy machine that took over 20 s.
const mailWith = (address: string, subject: RegExp) =>
  eventually(`mail "${subject}" to ${address}`, async () => (await mailsTo(address)).find((m) => subject.test(m.Subject)), 60_000);

/** Follows the link of the verification email, as the patient would (through the gateway). */
async function verifyEmail(address: string): Promise<void> {
  const mail = await mailWith(address, /Verify your email/);
  const message = (await (await fetch(`${smtpApiUrl}/api/v1/message/${mail.ID}`)).json()) as { Text: string };
  const token = /verify-email\?token=([\w-]+)/.exec(message.Text)?.[1];
  expect(token, 'the mail holds the verification link').toBeTruthy();
  expect((await api.post('/auth/verify-email', { token })).status).toBe(204);
}

async function registerPatient(name: string) {
  const email = `${name.toLowerCase().replace(/\W/g, '')}-${randomUUID().slice(0, 8)}@e2e.example`;
  const password = `pw-${randomUUID()}`;
  expect((await api.post('/auth/register', { email, password, name })).status).toBe(201);
  // Before the email is proven, no record can be created or claimed.
  const unverified = await api.login(email, password);
  const refused = await api.post('/api/patients', { name, email, dateOfBirth: '1988-04-12' }, unverified);
  expect(refused.body.code).toBe('EMAIL_NOT_VERIFIED');
  await verifyEmail(email);
  const token = await api.login(email, password);
  const record = await api.post('/api/patients', { name, email, dateOfBirth: '1988-04-12', phone: '+49 30 5550100' }, token);
  expect(record.status).toBe(201);
  return { email, password, token, patientId: record.body.id as string };
}

function tomorrowUtc(): { from: string; to: string } {
  const day = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  return { from: `${day}T00:00:00Z`, to: `${day}T23:59:59Z` };
}

describe('a clinic day through the gateway', () => {
  let admin: string;
  let doctorId: string;
  let alice: Awaited<ReturnType<typeof registerPatient>>;
  let appointmentId: string;
  let slot: { startsAt: string; endsAt: string };
  const window = tomorrowUtc();

  it('the admin logs in and creates a doctor with a weekly schedule', async () => {
    admin = await api.login(demoDefaults.ADMIN_EMAIL, demoDefaults.ADMIN_PASSWORD);
    const doctor = await api.post(
      '/api/doctors',
      { name: 'Dr. E2E Heart', email: `heart-${randomUUID().slice(0, 8)}@e2e.example`, specialty: 'CARDIOLOGY' },
      admin,
    );
    expect(doctor.status).toBe(201);
    doctorId = doctor.body.id;
    const hours = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '08:00', end: '18:00' }));
    const schedule = await api.put(`/api/doctors/${doctorId}/schedule`, { timeZone: 'Europe/Berlin', slotMinutes: 30, hours }, admin);
    expect(schedule.status).toBe(200);
  });

  it('a patient registers, logs in and creates their record', async () => {
    alice = await registerPatient('Alice Example');
    const own = await api.get(`/api/patients/${alice.patientId}`, alice.token);
    expect(own.body).toMatchObject({ id: alice.patientId, email: alice.email });
  });

  it('the patient books a free slot', async () => {
    const availability = await api.get(`/api/doctors/${doctorId}/availability?from=${window.from}&to=${window.to}`, alice.token);
    expect(availability.status).toBe(200);
    expect(availability.body.slots.length).toBeGreaterThan(0);
    slot = availability.body.slots[2];
    const booking = await api.post('/api/appointments', { patientId: alice.patientId, doctorId, startsAt: slot.startsAt, reason: 'check-up' }, alice.token);
    expect(booking.status).toBe(201);
    expect(booking.body).toMatchObject({ status: 'BOOKED', patientId: alice.patientId, doctorId });
    appointmentId = booking.body.id;
    const again = await api.post('/api/appointments', { patientId: alice.patientId, doctorId, startsAt: slot.startsAt }, alice.token);
    expect(again.status).toBe(409);
  });

  it('the invoice appears, the email is in the SMTP sink and the slot is no longer free', async () => {
    const invoice = await eventually('invoice', async () => {
      const { body } = await api.get(`/api/billing/invoices?patientId=${alice.patientId}`, alice.token);
      return body.items?.find((item: { appointmentId: string }) => item.appointmentId === appointmentId);
    });
    expect(invoice).toMatchObject({ status: 'PENDING', specialty: 'CARDIOLOGY', currency: 'EUR' });
    expect(invoice.amountCents).toBeGreaterThan(0);
    await mailWith(alice.email, /appointment confirmed/i);
    await mailWith(alice.email, /invoice/i);
    await eventually('slot taken in availability', async () => {
      const { body } = await api.get(`/api/doctors/${doctorId}/availability?from=${window.from}&to=${window.to}`, alice.token);
      return body.slots.some((free: { startsAt: string }) => free.startsAt === slot.startsAt) ? undefined : true;
    });
  });

  it('analytics counts the booking for the doctor and the specialty', async () => {
    const day = slot.startsAt.slice(0, 10);
    const from = new Date(Date.now() - 86_400_000).toISOString();
    const to = new Date(Date.parse(`${day}T00:00:00Z`) + 2 * 86_400_000).toISOString();
    const mine = await eventually('analytics for the doctor', async () => {
      const { status, body } = await api.get(`/api/analytics/summary?from=${from}&to=${to}`, admin);
      expect(status).toBe(200);
      const row = body.byDoctor.find((entry: { doctorId: string }) => entry.doctorId === doctorId);
      return row?.appointmentsBooked === 1 && row?.revenueInvoicedCents > 0 ? row : undefined;
    });
    expect(mine).toMatchObject({ appointmentsBooked: 1, appointmentsCancelled: 0 });
    expect((await api.get(`/api/analytics/summary?from=${from}&to=${to}`, alice.token)).status).toBe(403);
  });

  it('the patient cannot see another patient, their appointments or their invoices', async () => {
    const bob = await registerPatient('Bob Example');
    expect((await api.get(`/api/patients/${bob.patientId}`, alice.token)).status).toBe(404);
    expect((await api.get(`/api/appointments?patientId=${bob.patientId}`, alice.token)).status).toBe(403);
    expect((await api.get(`/api/billing/invoices?patientId=${bob.patientId}`, alice.token)).status).toBe(403);
    const list = await api.get('/api/patients', alice.token);
    expect(list.body.items.map((p: { id: string }) => p.id)).toEqual([alice.patientId]);
    const foreignBooking = await api.post('/api/appointments', { patientId: bob.patientId, doctorId, startsAt: slot.endsAt }, alice.token);
    expect(foreignBooking.status).toBe(403);
    expect((await api.get('/api/patients')).status).toBe(401);
  });

  it('cancelling voids the invoice, frees the slot and sends another email', async () => {
    const cancel = await api.post(`/api/appointments/${appointmentId}/cancel`, { reason: 'feeling better' }, alice.token);
    expect(cancel.status).toBe(200);
    expect(cancel.body.status).toBe('CANCELLED');
    await eventually('invoice voided', async () => {
      const { body } = await api.get(`/api/billing/invoices?patientId=${alice.patientId}&status=VOID`, alice.token);
      return body.items?.find((item: { appointmentId: string }) => item.appointmentId === appointmentId);
    });
    await mailWith(alice.email, /appointment cancelled/i);
    await eventually('slot free again', async () => {
      const { body } = await api.get(`/api/doctors/${doctorId}/availability?from=${window.from}&to=${window.to}`, alice.token);
      return body.slots.some((free: { startsAt: string }) => free.startsAt === slot.startsAt) ? true : undefined;
    });
    expect((await api.post(`/api/appointments/${appointmentId}/cancel`, {}, alice.token)).status).toBe(409);
  });

  it('a stranger who registers with a patient’s email cannot take over her record (issue 10, finding 1)', async () => {
    const veraEmail = `vera-${randomUUID().slice(0, 8)}@e2e.example`;
    const vera = await api.post('/api/patients', { name: 'Vera Staffmade', email: veraEmail, dateOfBirth: '1961-02-03' }, admin);
    expect(vera.status).toBe(201);
    const password = `pw-${randomUUID()}`;
    expect((await api.post('/auth/register', { email: veraEmail, password })).status).toBe(201);
    const stranger = await api.login(veraEmail, password);
    const claim = await api.post('/api/patients', { name: 'Stranger', email: veraEmail, dateOfBirth: '1990-01-01' }, stranger);
    expect(claim.status).toBe(403);
    expect(claim.body.code).toBe('EMAIL_NOT_VERIFIED');
    expect(JSON.stringify(claim.body)).not.toContain('Staffmade');
    expect((await api.get(`/api/patients/${vera.body.id}`, admin)).body.ownerUserId).toBeNull();
    // Staff can link it explicitly once they know the account is hers.
    const users = await api.get(`/auth/users?email=${encodeURIComponent(veraEmail)}`, admin);
    const linked = await api.put(`/api/patients/${vera.body.id}/owner`, { userId: users.body.items[0].id }, admin);
    expect(linked.body.ownerUserId).toBe(users.body.items[0].id);
  });

  it('after logout the access token stops working at the services within seconds', async () => {
    const carol = await registerPatient('Carol Leaving');
    const { body: tokens } = await api.post('/auth/login', { email: carol.email, password: carol.password });
    expect((await api.get(`/api/patients/${carol.patientId}`, tokens.accessToken)).status).toBe(200);
    expect((await api.post('/auth/logout', { refreshToken: tokens.refreshToken })).status).toBe(204);
    await eventually('token refused', async () => {
      const { status, body } = await api.get(`/api/patients/${carol.patientId}`, tokens.accessToken);
      return status === 401 && body.code === 'TOKEN_REVOKED' ? true : undefined;
    }, 10_000);
  });
});

// Finding 7 of issue 10: with `npm start`, kill -9 of billing left it dead. Last in this file:
// it takes billing away for a moment. Not against a running stack (compose:smoke): there the
// container engine restarts a crashed service (compose.yaml's restart policy), not our launcher.
describe.skipIf(external)('a service that crashes', () => {
  it('is started again by the launcher, says so in the log, and answers through the gateway', async () => {
    const billing = running.system.processes.billing;
    const crashed = billing.pid;
    process.kill(crashed, 'SIGKILL');
    await eventually('billing live again under a new pid', async () => {
      if (billing.pid === crashed) return undefined;
      const live = await fetch(`${running.system.urls.billing}/health/live`).then((response) => response.ok, () => false);
      return live || undefined;
    }, 60_000);
    expect(billing.restarts).toBe(1);
    expect(running.serviceLog.some((line) => /^billing \| devstack: billing exited \(SIGKILL\).*restarting in/.test(line))).toBe(true);
    const admin = await api.login(demoDefaults.ADMIN_EMAIL, demoDefaults.ADMIN_PASSWORD);
    const invoices = await eventually('invoices through the gateway', async () => {
      const response = await api.get('/api/billing/invoices', admin);
      return response.status === 200 ? response : undefined;
    });
    expect(invoices.body.items).toBeInstanceOf(Array);
  });
});
