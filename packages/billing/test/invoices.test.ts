import { randomUUID } from 'node:crypto';
import { deadLetterTopic, topics, type EventData, type Invoice, type InvoicePage } from '@pms/contracts';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { appointment, bearer, collect, createPublisher, envelope, startBilling, type BillingHarness } from './support.js';

let billing: BillingHarness;
let publisher: Awaited<ReturnType<typeof createPublisher>>;
let collector: Awaited<ReturnType<typeof collect>>;
let staff: { authorization: string };

beforeAll(async () => {
  billing = await startBilling('invoices');
  [publisher, collector] = await Promise.all([
    createPublisher(billing.kafka),
    collect(billing.kafka, [topics.billing, deadLetterTopic(topics.appointment)]),
  ]);
  staff = bearer(billing.tokens.token({ role: 'staff' }));
});

afterAll(async () => {
  await collector?.close();
  await publisher?.close();
  await billing?.close();
});

const book = (data: EventData<'AppointmentBooked'>, id?: string) =>
  publisher.send(topics.appointment, data.appointmentId, envelope('AppointmentBooked', data.appointmentId, data, id));

const cancel = (data: EventData<'AppointmentBooked'>, id = randomUUID()) => {
  const cancelled = { ...data, cancellationReason: 'patient is ill', cancelledBy: randomUUID() };
  return publisher.send(topics.appointment, data.appointmentId, envelope('AppointmentCancelled', data.appointmentId, cancelled, id));
};

async function invoicesOf(patientId: string): Promise<InvoicePage> {
  const response = await billing.app.inject({ url: `/api/billing/invoices?patientId=${patientId}`, headers: staff });
  expect(response.statusCode).toBe(200);
  return response.json<InvoicePage>();
}

const invoiceFor = (data: EventData<'AppointmentBooked'>) =>
  vi.waitFor(
    async () => {
      const invoice = (await invoicesOf(data.patientId)).items.find((item) => item.appointmentId === data.appointmentId);
      expect(invoice, `the invoice of appointment ${data.appointmentId}`).toBeDefined();
      return invoice!;
    },
    { timeout: 20_000 },
  );

async function readInvoice(id: string): Promise<Invoice> {
  const response = await billing.app.inject({ url: `/api/billing/invoices/${id}`, headers: staff });
  expect(response.statusCode).toBe(200);
  return response.json<Invoice>();
}

const pay = (id: string, method: string, role: 'staff' | 'admin' | 'doctor' | 'patient' = 'staff') =>
  billing.app.inject({
    method: 'POST',
    url: `/api/billing/invoices/${id}/pay`,
    headers: bearer(billing.tokens.token({ role })),
    payload: { method },
  });

/** The billing events of one type this service has written for an appointment (its outbox). */
async function outboxCount(type: string, appointmentId: string): Promise<number> {
  const [row] = await billing.database.sql<{ n: number }[]>`
    select count(*)::int as n from outbox where type = ${type} and payload -> 'data' ->> 'appointmentId' = ${appointmentId}`;
  return row?.n ?? 0;
}

const processed = (eventId: string) =>
  expect
    .poll(
      async () =>
        (await billing.database.sql`select 1 from processed_events where event_id = ${eventId} and consumer_group = ${billing.groupId}`).length,
      { timeout: 20_000, message: `event ${eventId} to be processed` },
    )
    .toBe(1);

describe('AppointmentBooked', () => {
  it('becomes a PENDING invoice priced by specialty and duration, due 14 days after the local appointment day', async () => {
    // 23:30 UTC is already the next day in Berlin, where the appointment takes place.
    const data = appointment({ startsAt: '2030-03-04T23:30:00Z', endsAt: '2030-03-05T00:15:00Z', durationMinutes: 45 });
    await book(data);

    const invoice = await invoiceFor(data);
    expect(invoice).toMatchObject({
      patientId: data.patientId,
      doctorId: data.doctorId,
      specialty: 'CARDIOLOGY',
      amountCents: 2 * 12_000, // two started half hours of cardiology
      currency: 'EUR',
      status: 'PENDING',
      dueDate: '2030-03-19',
      paymentMethod: null,
      paidAt: null,
    });

    const generated = await collector.find(topics.billing, (m) => (m.value.data as { invoiceId?: string })?.invoiceId === invoice.id);
    expect(generated.value).toMatchObject({
      type: 'InvoiceGenerated',
      source: 'billing',
      subject: invoice.id,
      data: { appointmentId: data.appointmentId, amountCents: 24_000, currency: 'EUR', dueDate: '2030-03-19', patient: data.patient },
    });
  });

  it('charges the appointment type’s price when the booking carries one, whatever the duration', async () => {
    const data = appointment({ durationMinutes: 45, priceCents: 7_550, appointmentTypeId: randomUUID() });
    await book(data);

    expect(await invoiceFor(data)).toMatchObject({ amountCents: 7_550, status: 'PENDING' });
  });

  it('opens the billing account from the appointment when the patient is not known yet', async () => {
    const data = appointment();
    await book(data);
    await invoiceFor(data);

    const response = await billing.app.inject({ url: `/api/billing/accounts/${data.patientId}`, headers: staff });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ patientId: data.patientId, ...data.patient, status: 'ACTIVE' });
    const created = await collector.find(
      topics.billing,
      (m) => m.value.type === 'BillingAccountCreated' && (m.value.data as { patientId?: string }).patientId === data.patientId,
    );
    expect(created.value.data).toMatchObject({ name: data.patient.name, email: data.patient.email });
  });

  it('delivered twice with the same event id makes one invoice and one InvoiceGenerated', async () => {
    const data = appointment();
    const eventId = randomUUID();
    await book(data, eventId);
    await book(data, eventId);
    // Same key, same partition, so once this later event is applied the duplicate has been too.
    const later = appointment({ patientId: data.patientId });
    await publisher.send(topics.appointment, data.appointmentId, envelope('AppointmentBooked', later.appointmentId, later));
    await invoiceFor(later);

    const page = await invoicesOf(data.patientId);
    expect(page.items.filter((item) => item.appointmentId === data.appointmentId)).toHaveLength(1);
    expect(page.total).toBe(2);
    expect(await outboxCount('InvoiceGenerated', data.appointmentId)).toBe(1);
    const [marks] = await billing.database.sql<{ n: number }[]>`
      select count(*)::int as n from processed_events where event_id = ${eventId}`;
    expect(marks?.n).toBe(1);
  });

  it('published again under a new event id bills once: one account, one invoice, each announced once', async () => {
    const data = appointment();
    const [first, second] = [randomUUID(), randomUUID()];
    await book(data, first);
    await book(data, second);
    await processed(first);
    await processed(second);

    const page = await invoicesOf(data.patientId);
    expect(page.total).toBe(1);
    const [invoice] = page.items;
    const [counts] = await billing.database.sql<{ accounts: number; announced: number }[]>`
      select (select count(*)::int from billing_accounts where patient_id = ${data.patientId}) as accounts,
             (select count(*)::int from outbox where type = 'BillingAccountCreated' and payload -> 'data' ->> 'patientId' = ${data.patientId}) as announced`;
    expect(counts).toEqual({ accounts: 1, announced: 1 });
    // The relay publishes in outbox order: the account before the invoice billed to it.
    const order = await billing.database.sql<{ type: string }[]>`
      select type from outbox where payload -> 'data' ->> 'patientId' = ${data.patientId} order by sequence`;
    expect(order.map((row) => row.type)).toEqual(['BillingAccountCreated', 'InvoiceGenerated']);
    expect(await outboxCount('InvoiceGenerated', data.appointmentId)).toBe(1);
    // The event carries the invoice as stored, nothing more.
    const [generated] = await billing.database.sql<{ payload: { subject: string; data: unknown } }[]>`
      select payload from outbox where type = 'InvoiceGenerated' and payload -> 'data' ->> 'appointmentId' = ${data.appointmentId}`;
    expect(generated?.payload.subject).toBe(invoice?.id);
    expect(generated?.payload.data).toEqual({
      invoiceId: invoice?.id,
      appointmentId: data.appointmentId,
      patientId: data.patientId,
      doctorId: data.doctorId,
      specialty: data.doctor.specialty,
      amountCents: invoice?.amountCents,
      currency: invoice?.currency,
      dueDate: invoice?.dueDate,
      patient: data.patient,
    });
  });

  it('bills to the account a concurrent caller committed while the booking waited for it, announcing no second account', async () => {
    const data = appointment();
    const accountId = randomUUID();
    const eventId = randomUUID();
    await billing.database.sql.begin(async (tx) => {
      await tx`insert into billing_accounts (id, patient_id, name, email) values (${accountId}, ${data.patientId}, ${data.patient.name}, ${data.patient.email})`;
      await book(data, eventId);
      // The booking's statement has started (its snapshot misses this account) and waits for this transaction.
      await expect
        .poll(
          async () =>
            (await billing.database.sql`
              select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like '%billing_accounts%'`).length,
          { timeout: 20_000 },
        )
        .toBe(1);
    });
    await processed(eventId);

    const [row] = await billing.database.sql<{ account_id: string }[]>`select account_id from invoices where appointment_id = ${data.appointmentId}`;
    expect(row?.account_id).toBe(accountId);
    expect(await outboxCount('InvoiceGenerated', data.appointmentId)).toBe(1);
    const [announced] = await billing.database.sql<{ n: number }[]>`
      select count(*)::int as n from outbox where type = 'BillingAccountCreated' and payload -> 'data' ->> 'patientId' = ${data.patientId}`;
    expect(announced?.n).toBe(0);
  });

  it('with a malformed payload goes to appointment-events.dlq with the reason, and bills nothing', async () => {
    const data = appointment();
    const bad = envelope('AppointmentBooked', data.appointmentId, { ...data, patientId: 'not-a-uuid' });
    await publisher.send(topics.appointment, data.appointmentId, bad);

    const dead = await collector.find(
      deadLetterTopic(topics.appointment),
      (m) => m.value.id === bad.id && m.headers['x-consumer-group'] === billing.groupId,
    );
    expect(dead.headers['x-dlq-reason']).toMatch(/invalid AppointmentBooked payload/);
    expect(dead.headers['x-dlq-reason']).toMatch(/patientId/);
    expect(dead.headers['x-original-topic']).toBe(topics.appointment);
    const [invoices] = await billing.database.sql<{ n: number }[]>`
      select count(*)::int as n from invoices where appointment_id = ${data.appointmentId}`;
    expect(invoices?.n).toBe(0);
  });
});

describe('paying', () => {
  it('marks the invoice PAID with its method and announces InvoicePaid; a second payment is a 409', async () => {
    const data = appointment({ doctor: { name: 'Dr. Skin', specialty: 'DERMATOLOGY', timeZone: 'Europe/Berlin' } });
    await book(data);
    const invoice = await invoiceFor(data);

    const first = await pay(invoice.id, 'CARD');
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ id: invoice.id, status: 'PAID', paymentMethod: 'CARD', amountCents: 9_000 });
    expect(Date.parse(first.json<Invoice>().paidAt ?? '')).not.toBeNaN();

    const paid = await collector.find(
      topics.billing,
      (m) => m.value.type === 'InvoicePaid' && (m.value.data as { invoiceId?: string }).invoiceId === invoice.id,
    );
    expect(paid.value.data).toMatchObject({ method: 'CARD', amountCents: 9_000, patient: data.patient });

    const second = await pay(invoice.id, 'CASH', 'admin');
    expect(second.statusCode).toBe(409);
    expect(second.json()).toMatchObject({ code: 'INVOICE_ALREADY_PAID' });
    expect(await readInvoice(invoice.id)).toMatchObject({ status: 'PAID', paymentMethod: 'CARD' });
  });

  it('of two concurrent payments lets exactly one through', async () => {
    const data = appointment();
    await book(data);
    const invoice = await invoiceFor(data);
    const answers = await Promise.all([pay(invoice.id, 'CARD'), pay(invoice.id, 'CASH'), pay(invoice.id, 'INSURANCE')]);
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([200, 409, 409]);
    await expect.poll(() => outboxCount('InvoicePaid', data.appointmentId), { timeout: 20_000 }).toBeGreaterThan(0);
    expect(await outboxCount('InvoicePaid', data.appointmentId)).toBe(1);
  });

  it('is for staff and admins only, needs a known method and a known invoice', async () => {
    const data = appointment();
    await book(data);
    const invoice = await invoiceFor(data);

    expect((await pay(invoice.id, 'CARD', 'doctor')).statusCode).toBe(403);
    expect((await pay(invoice.id, 'CARD', 'patient')).statusCode).toBe(403);
    const badMethod = await pay(invoice.id, 'BITCOIN');
    expect(badMethod.statusCode).toBe(400);
    expect(badMethod.json().details).toEqual([expect.objectContaining({ field: 'method' })]);
    const unknown = await pay(randomUUID(), 'CARD');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'INVOICE_NOT_FOUND' });
    expect((await readInvoice(invoice.id)).status).toBe('PENDING');
  });
});

describe('AppointmentCancelled', () => {
  it('voids the PENDING invoice and announces InvoiceVoided; a void invoice cannot be paid (409)', async () => {
    const data = appointment();
    await book(data);
    const invoice = await invoiceFor(data);
    await cancel(data);

    await expect.poll(async () => (await readInvoice(invoice.id)).status, { timeout: 20_000 }).toBe('VOID');
    const voided = await collector.find(
      topics.billing,
      (m) => m.value.type === 'InvoiceVoided' && (m.value.data as { invoiceId?: string }).invoiceId === invoice.id,
    );
    expect(voided.value.data).toMatchObject({ appointmentId: data.appointmentId, voidReason: 'Appointment cancelled: patient is ill' });

    const payment = await pay(invoice.id, 'CASH');
    expect(payment.statusCode).toBe(409);
    expect(payment.json()).toMatchObject({ code: 'INVOICE_VOID' });
  });

  it('leaves a PAID invoice PAID (a refund is a staff matter) and announces nothing', async () => {
    const data = appointment();
    await book(data);
    const invoice = await invoiceFor(data);
    expect((await pay(invoice.id, 'INSURANCE')).statusCode).toBe(200);
    const eventId = randomUUID();
    await cancel(data, eventId);
    await processed(eventId);

    expect(await readInvoice(invoice.id)).toMatchObject({ status: 'PAID', paymentMethod: 'INSURANCE' });
    expect(await outboxCount('InvoiceVoided', data.appointmentId)).toBe(0);
  });

  it('arriving before its booking leaves a VOID invoice, so the late booking bills nothing', async () => {
    const data = appointment();
    await cancel(data);
    const eventId = randomUUID();
    await book(data, eventId);
    await processed(eventId);

    const invoice = await invoiceFor(data);
    expect(invoice.status).toBe('VOID');
    expect(await outboxCount('InvoiceGenerated', data.appointmentId)).toBe(0);
  });
});

describe('AppointmentRescheduled', () => {
  it('re-prices a PENDING invoice whose duration changed and moves its due date with the day', async () => {
    const data = appointment({ durationMinutes: 30 });
    await book(data);
    const invoice = await invoiceFor(data);
    expect(invoice.amountCents).toBe(12_000);

    const moved = {
      ...data,
      startsAt: '2030-04-10T10:00:00+02:00',
      endsAt: '2030-04-10T11:00:00+02:00',
      durationMinutes: 60,
      previousStartsAt: data.startsAt,
      previousEndsAt: data.endsAt,
    };
    await publisher.send(topics.appointment, data.appointmentId, envelope('AppointmentRescheduled', data.appointmentId, moved));

    const repriced = await vi.waitFor(
      async () => {
        const current = await readInvoice(invoice.id);
        expect(current.amountCents).not.toBe(invoice.amountCents);
        return current;
      },
      { timeout: 20_000 },
    );
    expect(repriced).toMatchObject({ amountCents: 24_000, dueDate: '2030-04-24', status: 'PENDING' });
  });
});
