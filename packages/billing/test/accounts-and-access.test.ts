import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { credentials, status, type ServiceError } from '@grpc/grpc-js';
import { billingGrpc, topics, type EventData, type Invoice, type InvoicePage } from '@pms/contracts';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { appointment, bearer, collect, createPublisher, envelope, startBilling, type BillingHarness } from './support.js';

let billing: BillingHarness;
let publisher: Awaited<ReturnType<typeof createPublisher>>;
let collector: Awaited<ReturnType<typeof collect>>;
let client: billingGrpc.BillingServiceClient;
let createAccount: (request: billingGrpc.CreateBillingAccountRequest) => Promise<billingGrpc.CreateBillingAccountResponse>;
let getAccount: (request: billingGrpc.GetBillingAccountRequest) => Promise<billingGrpc.GetBillingAccountResponse>;

beforeAll(async () => {
  billing = await startBilling('access');
  [publisher, collector] = await Promise.all([createPublisher(billing.kafka), collect(billing.kafka, [topics.billing])]);
  client = new billingGrpc.BillingServiceClient(billing.grpcAddress, credentials.createInsecure());
  createAccount = promisify(client.createBillingAccount.bind(client));
  getAccount = promisify(client.getBillingAccount.bind(client));
});

afterAll(async () => {
  client?.close();
  await collector?.close();
  await publisher?.close();
  await billing?.close();
});

const grpcFailure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail('the call should have failed'),
    (error: ServiceError) => error,
  );

function patient() {
  const suffix = randomUUID().slice(0, 8);
  return { patientId: randomUUID(), name: `Patient ${suffix}`, email: `patient-${suffix}@example.com` };
}

const patientCreated = (p: ReturnType<typeof patient>): EventData<'PatientCreated'> => ({
  ...p,
  phone: null,
  address: null,
  dateOfBirth: '1980-05-17',
  ownerUserId: null,
  registeredAt: new Date().toISOString(),
});

async function accountRows(patientId: string) {
  return billing.database.sql<{ id: string }[]>`select id from billing_accounts where patient_id = ${patientId}`;
}

async function accountAnnouncements(patientId: string): Promise<number> {
  const [row] = await billing.database.sql<{ n: number }[]>`
    select count(*)::int as n from outbox where type = 'BillingAccountCreated' and payload -> 'data' ->> 'patientId' = ${patientId}`;
  return row?.n ?? 0;
}

describe('CreateBillingAccount over gRPC', () => {
  it('is idempotent per patient: created, then the same account again', async () => {
    const p = patient();
    const first = await createAccount(p);
    expect(first.created).toBe(true);
    expect(first.account).toMatchObject({ ...p, status: 'ACTIVE' });
    expect(Date.parse(first.account?.createdAt ?? '')).not.toBeNaN();

    const second = await createAccount(p);
    expect(second.created).toBe(false);
    expect(second.account?.id).toBe(first.account?.id);
    expect(await accountRows(p.patientId)).toHaveLength(1);
    expect((await getAccount({ patientId: p.patientId })).account?.id).toBe(first.account?.id);
  });

  it('called repeatedly and concurrently for one patient opens one account and announces it once', async () => {
    const p = patient();
    const answers = await Promise.all(Array.from({ length: 8 }, () => createAccount(p)));
    const again = await createAccount(p);

    expect(answers.filter((answer) => answer.created)).toHaveLength(1);
    expect(again.created).toBe(false);
    expect(new Set([...answers, again].map((answer) => answer.account?.id)).size).toBe(1);
    expect([...answers, again].map((answer) => answer.account)).toEqual(Array(9).fill(expect.objectContaining({ ...p, status: 'ACTIVE' })));
    expect(await accountRows(p.patientId)).toHaveLength(1);
    expect(await accountAnnouncements(p.patientId)).toBe(1);
  });

  it('answers with the account a concurrent caller committed while its own insert waited, and announces nothing', async () => {
    const p = patient();
    const accountId = randomUUID();
    let answer: ReturnType<typeof createAccount> | undefined;
    await billing.database.sql.begin(async (tx) => {
      await tx`insert into billing_accounts (id, patient_id, name, email) values (${accountId}, ${p.patientId}, ${p.name}, ${p.email})`;
      answer = createAccount(p);
      // Its statement has started (its snapshot misses this account) and waits for this transaction.
      await expect
        .poll(async () => (await billing.database.sql`
            select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like '%billing_accounts%'`).length, { timeout: 20_000 })
        .toBe(1);
    });

    expect(await answer).toMatchObject({ created: false, account: { id: accountId, ...p } });
    expect(await accountAnnouncements(p.patientId)).toBe(0);
  });

  it('followed by PatientCreated creates nothing new and announces the account once', async () => {
    const p = patient();
    const { account } = await createAccount(p);
    const created = await collector.find(
      topics.billing,
      (m) => m.value.type === 'BillingAccountCreated' && (m.value.data as { patientId?: string }).patientId === p.patientId,
    );
    expect(created.value).toMatchObject({ subject: account?.id, data: { accountId: account?.id, ...p } });

    const event = envelope('PatientCreated', p.patientId, patientCreated(p));
    await publisher.send(topics.patient, p.patientId, event);
    await expect
      .poll(async () => (await billing.database.sql`select 1 from processed_events where event_id = ${event.id}`).length, { timeout: 20_000 })
      .toBeGreaterThan(0);

    expect((await accountRows(p.patientId)).map((row) => row.id)).toEqual([account?.id]);
    expect(await accountAnnouncements(p.patientId)).toBe(1);
  });

  it('after PatientCreated already opened the account answers created=false', async () => {
    const p = patient();
    await publisher.send(topics.patient, p.patientId, envelope('PatientCreated', p.patientId, patientCreated(p)));
    const [row] = await vi.waitFor(
      async () => {
        const rows = await accountRows(p.patientId);
        expect(rows.length).toBeGreaterThan(0);
        return rows;
      },
      { timeout: 20_000 },
    );

    const answer = await createAccount(p);
    expect(answer).toMatchObject({ created: false, account: { id: row?.id, ...p } });
    expect(await accountAnnouncements(p.patientId)).toBe(1);
  });

  it('follows PatientUpdated: the account takes the record\'s new name and email', async () => {
    const p = patient();
    await createAccount(p);
    const renamed = { ...p, name: `${p.name} Renamed`, email: `renamed-${p.email}` };
    await publisher.send(topics.patient, p.patientId, envelope('PatientUpdated', p.patientId, patientCreated(renamed)));

    const account = await vi.waitFor(
      async () => {
        const { account: current } = await getAccount({ patientId: p.patientId });
        expect(current?.name).toBe(renamed.name);
        return current!;
      },
      { timeout: 20_000 },
    );
    expect(account.email).toBe(renamed.email);
  });

  it('rejects a malformed request with INVALID_ARGUMENT and an unknown patient with NOT_FOUND', async () => {
    const bad = await grpcFailure(createAccount({ patientId: 'nope', name: 'X', email: 'not-an-email' }));
    expect(bad.code).toBe(status.INVALID_ARGUMENT);
    expect(bad.details).toMatch(/patientId/);
    expect(bad.details).toMatch(/email/);

    const missing = await grpcFailure(getAccount({ patientId: randomUUID() }));
    expect(missing.code).toBe(status.NOT_FOUND);
  });
});

describe('who sees billing', () => {
  const owner = { userId: randomUUID(), patientId: randomUUID() };
  const other = { userId: randomUUID(), patientId: randomUUID() };
  const unlinkedPatientId = randomUUID();
  const invoiceOf = new Map<string, Invoice>();
  const staff = () => bearer(billing.tokens.token({ role: 'staff' }));
  const asOwner = () => bearer(billing.tokens.token({ role: 'patient', sub: owner.userId }));
  const get = (url: string, headers: Record<string, string>) => billing.app.inject({ url, headers });

  beforeAll(async () => {
    billing.patients.owners.set(owner.patientId, owner.userId);
    billing.patients.owners.set(other.patientId, other.userId);
    billing.patients.owners.set(unlinkedPatientId, null);
    for (const patientId of [owner.patientId, other.patientId, unlinkedPatientId]) {
      const data = appointment({ patientId });
      await publisher.send(topics.appointment, data.appointmentId, envelope('AppointmentBooked', data.appointmentId, data));
      const invoice = await vi.waitFor(
        async () => {
          const [first] = (await get(`/api/billing/invoices?patientId=${patientId}`, staff())).json<InvoicePage>().items;
          expect(first, `the invoice of ${patientId}`).toBeDefined();
          return first!;
        },
        { timeout: 20_000 },
      );
      invoiceOf.set(patientId, invoice);
    }
  });

  it('a patient user sees their own account and invoices', async () => {
    const list = await get(`/api/billing/invoices?patientId=${owner.patientId}`, asOwner());
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({ total: 1, page: 1, pageSize: 20, items: [{ patientId: owner.patientId }] });

    const one = await get(`/api/billing/invoices/${invoiceOf.get(owner.patientId)?.id}`, asOwner());
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({ patientId: owner.patientId, status: 'PENDING' });

    const account = await get(`/api/billing/accounts/${owner.patientId}`, asOwner());
    expect(account.statusCode).toBe(200);
    expect(account.json()).toMatchObject({ patientId: owner.patientId });
  });

  it("a patient user gets 403 for another patient's billing and for an unlinked record", async () => {
    for (const patientId of [other.patientId, unlinkedPatientId]) {
      const urls = [
        `/api/billing/invoices?patientId=${patientId}`,
        `/api/billing/invoices/${invoiceOf.get(patientId)?.id}`,
        `/api/billing/accounts/${patientId}`,
      ];
      for (const url of urls) {
        const response = await get(url, asOwner());
        expect({ url, status: response.statusCode }).toEqual({ url, status: 403 });
        expect(response.json()).toMatchObject({ code: 'NOT_OWNER' });
      }
    }
  });

  it('a patient user gets 404 for unknown ids and 400 when listing without their patientId', async () => {
    expect((await get(`/api/billing/invoices/${randomUUID()}`, asOwner())).statusCode).toBe(404);
    const unknownPatient = await get(`/api/billing/invoices?patientId=${randomUUID()}`, asOwner());
    expect(unknownPatient.statusCode).toBe(404);
    expect(unknownPatient.json()).toMatchObject({ code: 'PATIENT_NOT_FOUND' });

    const unscoped = await get('/api/billing/invoices', asOwner());
    expect(unscoped.statusCode).toBe(400);
    expect(unscoped.json().details).toEqual([expect.objectContaining({ field: 'patientId' })]);
  });

  it('staff and admins see everyone, filter by status and page; an account that does not exist is a 404', async () => {
    const all = (await get('/api/billing/invoices?pageSize=100', staff())).json<InvoicePage>();
    expect(all.total).toBeGreaterThanOrEqual(3);
    const ids = all.items.map((item) => item.id);
    for (const invoice of invoiceOf.values()) expect(ids).toContain(invoice.id);

    const paid = await get('/api/billing/invoices?status=PAID', bearer(billing.tokens.token({ role: 'admin' })));
    expect(paid.json<InvoicePage>().items.every((item) => item.status === 'PAID')).toBe(true);
    const firstPage = (await get('/api/billing/invoices?pageSize=1&page=2', staff())).json<InvoicePage>();
    expect(firstPage).toMatchObject({ page: 2, pageSize: 1, total: all.total });
    expect(firstPage.items).toHaveLength(1);

    const none = await get(`/api/billing/accounts/${randomUUID()}`, staff());
    expect(none.statusCode).toBe(404);
    expect(none.json()).toMatchObject({ code: 'BILLING_ACCOUNT_NOT_FOUND' });
  });

  it('doctors get 403, callers without a token 401, bad queries 400 naming the fields', async () => {
    const doctor = bearer(billing.tokens.token({ role: 'doctor', doctorId: randomUUID() }));
    for (const url of ['/api/billing/invoices', `/api/billing/invoices/${invoiceOf.get(owner.patientId)?.id}`, `/api/billing/accounts/${owner.patientId}`]) {
      expect((await get(url, doctor)).statusCode).toBe(403);
    }
    expect((await billing.app.inject({ url: '/api/billing/invoices' })).statusCode).toBe(401);

    const bad = await get('/api/billing/invoices?status=LOST&pageSize=1000', staff());
    expect(bad.statusCode).toBe(400);
    const fields = bad.json<{ details: { field: string }[] }>().details.map((detail) => detail.field).sort();
    expect(fields).toEqual(['pageSize', 'status']);
    expect((await get('/api/billing/invoices/not-a-uuid', staff())).statusCode).toBe(400);
  });

  it('answers 503 when the patient service is too slow, and when it is down; staff are unaffected', async () => {
    const slow = await get(`/api/billing/accounts/${billing.patients.slowPatientId}`, asOwner());
    expect(slow.statusCode).toBe(503);
    expect(slow.json()).toMatchObject({ code: 'DEPENDENCY_TIMEOUT' });

    await billing.patientServer.stop();
    const down = await get(`/api/billing/invoices?patientId=${owner.patientId}`, asOwner());
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE' });
    expect((await get(`/api/billing/invoices?patientId=${owner.patientId}`, staff())).statusCode).toBe(200);
    expect((await billing.app.inject('/health/ready')).statusCode).toBe(503);
  });
});
