import { randomUUID } from 'node:crypto';
import type { TypedEvent } from '@pms/contracts';
import { createTestDatabase } from '@pms/devstack';
import { connectDatabase, type DatabaseHandle, type Transaction } from '@pms/platform';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { migrationsFolder } from '../src/db/migrations-folder.js';
import type { BillingContext } from '../src/domain/context.js';
import { defaultFeesPer30Minutes } from '../src/domain/fees.js';
import { billingEvents } from '../src/events/handlers.js';
import { appointment, envelope, quietLogger } from './support.js';

// The consumer's batch path, driven directly: which statements a batch sends, and that its
// outcome is that of its events applied one by one.

let database: DatabaseHandle;
let handleBatch: ReturnType<typeof billingEvents>['handleBatch'];

beforeAll(async () => {
  const url = await createTestDatabase(inject('databaseUrl'), 'billing_batches');
  database = await connectDatabase({ url, migrationsFolder, eventTables: true });
  const ctx: BillingContext = {
    db: database.db,
    patients: { ownerOf: async () => null },
    pricing: { fees: defaultFeesPer30Minutes, currency: 'EUR', dueDays: 14 },
  };
  handleBatch = billingEvents(ctx, quietLogger).handleBatch;
});

afterAll(async () => {
  await database?.close();
});

/** Applies the events as one batch, counting the raw statements (the multi-row ones) it sends. */
async function applyBatch(events: TypedEvent[]): Promise<number> {
  let statements = 0;
  await database.db.transaction(async (tx) => {
    const counting = new Proxy(tx, {
      get(target, property, receiver) {
        if (property === 'execute') statements += 1;
        return Reflect.get(target, property, receiver) as unknown;
      },
    });
    await handleBatch(events, counting as Transaction);
  });
  return statements;
}

const booked = (data: ReturnType<typeof appointment>) => envelope('AppointmentBooked', data.appointmentId, data) as TypedEvent;

async function stateOf(patientIds: string[]) {
  const invoices = await database.sql<{ appointment_id: string; status: string; account_id: string }[]>`
    select appointment_id, status, account_id from invoices where patient_id = any(${patientIds}::uuid[])`;
  const accounts = await database.sql<{ id: string; patient_id: string; name: string }[]>`
    select id, patient_id, name from billing_accounts where patient_id = any(${patientIds}::uuid[])`;
  const events = await database.sql<{ type: string; key: string }[]>`
    select type, key from outbox where payload -> 'data' ->> 'patientId' = any(${patientIds}::text[]) order by sequence`;
  return { invoices, accounts, events };
}

it('applies each run of bookings as one statement, keeping a cancellation in its place; a second delivery changes nothing', async () => {
  const [p, q] = [randomUUID(), randomUUID()];
  const a = appointment({ patientId: p });
  const b = appointment({ patientId: p });
  const c = appointment({ patientId: q });
  const d = appointment({ patientId: q });
  const cancelB = envelope('AppointmentCancelled', b.appointmentId, { ...b, cancellationReason: null, cancelledBy: randomUUID() }) as TypedEvent;
  // The booking of b again after its cancellation (a republished event): it must not revive the invoice.
  const events = [booked(a), booked(b), booked(c), cancelB, booked(b), booked(d), booked(a)];

  // One to map merged patients (followingPatientMerges), one per run of bookings around the cancellation.
  expect(await applyBatch(events)).toBe(3);

  const { invoices, accounts, events: written } = await stateOf([p, q]);
  const statusOf = Object.fromEntries(invoices.map((row) => [row.appointment_id, row.status]));
  expect(statusOf).toEqual({ [a.appointmentId]: 'PENDING', [b.appointmentId]: 'VOID', [c.appointmentId]: 'PENDING', [d.appointmentId]: 'PENDING' });
  // The first booking of a patient opened their account, with its contact details; every invoice is billed to it.
  const byPatient = new Map(accounts.map((row) => [row.patient_id, row]));
  expect([byPatient.get(p)?.name, byPatient.get(q)?.name]).toEqual([a.patient.name, c.patient.name]);
  expect(invoices.map((row) => row.account_id).sort()).toEqual([p, p, q, q].map((id) => byPatient.get(id)?.id).sort());
  const count = (type: string) => written.filter((event) => event.type === type).length;
  expect([count('BillingAccountCreated'), count('InvoiceGenerated'), count('InvoiceVoided')]).toEqual([2, 4, 1]);

  // The same batch again (say its processed_events rows were lost): the statements find everything done.
  await applyBatch(events.map((event) => ({ ...event, id: randomUUID() })));
  expect(await stateOf([p, q])).toEqual({ invoices, accounts, events: written });
});

it('applies a cancellation that overtook its booking before that booking, not after the run of bookings around it', async () => {
  const p = randomUUID();
  const [e, f] = [appointment({ patientId: p }), appointment({ patientId: p })];
  const cancelE = envelope('AppointmentCancelled', e.appointmentId, { ...e, cancellationReason: 'ill', cancelledBy: randomUUID() }) as TypedEvent;
  await applyBatch([booked(f), cancelE, booked(e)]);

  const { invoices, events } = await stateOf([p]);
  expect(Object.fromEntries(invoices.map((row) => [row.appointment_id, row.status]))).toEqual({ [e.appointmentId]: 'VOID', [f.appointmentId]: 'PENDING' });
  // The late booking bills nothing: no InvoiceGenerated for e, hence no InvoiceVoided either.
  expect(events.map((event) => event.type)).toEqual(['BillingAccountCreated', 'InvoiceGenerated']);
});

it('voids a run of cancellations together, each invoice with its own reason and one InvoiceVoided, and records a never-billed one as VOID', async () => {
  const p = randomUUID();
  const billed = [appointment({ patientId: p }), appointment({ patientId: p }), appointment({ patientId: p })];
  const neverBilled = appointment({ patientId: p });
  await applyBatch(billed.map(booked));
  const cancel = (data: ReturnType<typeof appointment>, reason: string) =>
    envelope('AppointmentCancelled', data.appointmentId, { ...data, cancellationReason: reason, cancelledBy: randomUUID() }) as TypedEvent;
  await applyBatch([...billed.map((data, i) => cancel(data, `reason ${i}`)), cancel(neverBilled, 'early')]);

  const rows = await database.sql<{ appointment_id: string; status: string; void_reason: string }[]>`
    select appointment_id, status, void_reason from invoices where patient_id = ${p}`;
  expect(Object.fromEntries(rows.map((row) => [row.appointment_id, [row.status, row.void_reason]]))).toEqual({
    ...Object.fromEntries(billed.map((data, i) => [data.appointmentId, ['VOID', `Appointment cancelled: reason ${i}`]])),
    [neverBilled.appointmentId]: ['VOID', 'Appointment cancelled: early'],
  });
  const { events } = await stateOf([p]);
  expect(events.filter((event) => event.type === 'InvoiceVoided')).toHaveLength(3);
});

it("PatientMerged moves the duplicate's invoices to the survivor's account; a booking of the duplicate arriving later is billed to the survivor", async () => {
  const [survivor, duplicate] = [randomUUID(), randomUUID()];
  const ofSurvivor = appointment({ patientId: survivor });
  const ofDuplicate = appointment({ patientId: duplicate });
  await applyBatch([booked(ofSurvivor), booked(ofDuplicate)]);
  const merged = envelope('PatientMerged', duplicate, {
    duplicatePatientId: duplicate,
    survivorPatientId: survivor,
    movedOwnerUserId: null,
    mergedAt: new Date().toISOString(),
  }) as TypedEvent;
  // appointment-events are not ordered with patient-events: this booking of the duplicate comes after the merge.
  const late = appointment({ patientId: duplicate });
  await applyBatch([merged, booked(late)]);
  // Delivered again (another replica, a redelivery): nothing moves twice.
  await applyBatch([merged]);

  const { invoices, accounts } = await stateOf([survivor, duplicate]);
  const survivorAccount = accounts.find((row) => row.patient_id === survivor)!;
  expect(invoices.map((row) => row.appointment_id).sort()).toEqual([ofSurvivor, ofDuplicate, late].map((row) => row.appointmentId).sort());
  expect(new Set(invoices.map((row) => row.account_id))).toEqual(new Set([survivorAccount.id]));
  const onSurvivor = await database.sql<{ n: string }[]>`select count(*) as n from invoices where patient_id = ${survivor}`;
  expect(Number(onSurvivor[0]!.n)).toBe(3);
  const [duplicateAccount] = await database.sql<{ status: string }[]>`select status from billing_accounts where patient_id = ${duplicate}`;
  expect(duplicateAccount?.status).toBe('MERGED');
});

it('PatientMerged gives the duplicate\'s account to a survivor billing has no account for yet', async () => {
  const [survivor, duplicate] = [randomUUID(), randomUUID()];
  const ofDuplicate = appointment({ patientId: duplicate });
  await applyBatch([booked(ofDuplicate)]);
  const [before] = await database.sql<{ id: string }[]>`select id from billing_accounts where patient_id = ${duplicate}`;
  await applyBatch([
    envelope('PatientMerged', duplicate, { duplicatePatientId: duplicate, survivorPatientId: survivor, movedOwnerUserId: null, mergedAt: new Date().toISOString() }) as TypedEvent,
  ]);
  const { invoices, accounts } = await stateOf([survivor, duplicate]);
  expect(accounts).toEqual([expect.objectContaining({ id: before!.id, patient_id: survivor })]);
  expect(invoices).toEqual([expect.objectContaining({ appointment_id: ofDuplicate.appointmentId, account_id: before!.id })]);
});
