import type { Bundle, CapabilityStatement, Invoice, OperationOutcome } from '@medplum/fhirtypes';
import { topics, type EventData, type InvoicePage } from '@pms/contracts';
import { expectValidFhir, sharedFhirValidator, type FhirValidator } from '@pms/devstack/testing';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { appointment, bearer, createPublisher, envelope, startBilling, type BillingHarness } from './support.js';

let billing: BillingHarness;
let publisher: Awaited<ReturnType<typeof createPublisher>>;
let validator: FhirValidator;
let staff: Record<string, string>;

beforeAll(async () => {
  [billing, validator] = await Promise.all([startBilling('fhir'), sharedFhirValidator()]);
  publisher = await createPublisher(billing.kafka);
  staff = bearer(billing.tokens.token({ role: 'staff' }));
});
afterAll(async () => {
  await publisher?.close();
  await billing?.close();
});

/** A FHIR read or search; every answer (Invoice, Bundle, OperationOutcome) is checked by HAPI's validator: 0 errors. */
async function fhir<T = Bundle<Invoice>>(url: string, status = 200, headers: Record<string, string> = staff) {
  const response = await billing.app.inject({ method: 'GET', url: `/fhir/R4/${url}`, headers });
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/fhir\+json/);
  await expectValidFhir(validator, response.json(), `GET ${url} (${response.statusCode})`);
  return response.json() as T;
}

const ids = (bundle: Bundle<Invoice>) => (bundle.entry ?? []).map((entry) => entry.resource?.id);
const expressions = (outcome: OperationOutcome) => outcome.issue.flatMap((issue) => issue.expression ?? []);
const asPatient = (userId: string) => bearer(billing.tokens.token({ role: 'patient', sub: userId }));

/** Books through appointment-events, as appointment does, and waits for the invoice (the JSON API's view). */
async function billedBooking(overrides: Partial<EventData<'AppointmentBooked'>> = {}) {
  const data = appointment(overrides);
  await publisher.send(topics.appointment, data.appointmentId, envelope('AppointmentBooked', data.appointmentId, data));
  return vi.waitFor(
    async () => {
      const response = await billing.app.inject({ url: `/api/billing/invoices?patientId=${data.patientId}`, headers: staff });
      const invoice = response.json<InvoicePage>().items.find((item) => item.appointmentId === data.appointmentId);
      expect(invoice).toBeDefined();
      return { data, invoice: invoice! };
    },
    { timeout: 20_000 },
  );
}

describe('Invoice over FHIR', () => {
  it('declares read and search (subject, status) in a public CapabilityStatement and in /openapi.json', async () => {
    const statement = await fhir<CapabilityStatement>('metadata', 200, {});
    const [declared] = statement.rest?.[0]?.resource ?? [];
    expect(declared).toMatchObject({ type: 'Invoice', interaction: [{ code: 'read' }, { code: 'search-type' }] });
    expect(declared?.searchParam?.map((param) => param.name)).toEqual(['subject', 'status']);
    const openapi = (await billing.app.inject({ url: '/openapi.json' })).json() as { paths: Record<string, unknown> };
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/fhir/R4/Invoice', '/fhir/R4/Invoice/{id}']));
  });

  it('reads an invoice: issued, then balanced once paid, with subject, doctor, line and totals', async () => {
    const { data, invoice } = await billedBooking({ durationMinutes: 45 });
    const issued = await fhir<Invoice>(`Invoice/${invoice.id}`);
    expect(issued).toMatchObject({
      resourceType: 'Invoice',
      id: invoice.id,
      status: 'issued',
      subject: { reference: `Patient/${data.patientId}`, display: data.patient.name },
      participant: [{ actor: { reference: `Practitioner/${data.doctorId}` } }],
      totalGross: { value: invoice.amountCents / 100, currency: 'EUR' },
      lineItem: [{ priceComponent: [{ type: 'base', amount: { value: invoice.amountCents / 100 } }] }],
      paymentTerms: `Due by ${invoice.dueDate}`,
    });
    const paid = await billing.app.inject({ method: 'POST', url: `/api/billing/invoices/${invoice.id}/pay`, headers: staff, payload: { method: 'CARD' } });
    expect(paid.statusCode).toBe(200);
    expect(await fhir<Invoice>(`Invoice/${invoice.id}`)).toMatchObject({ status: 'balanced', note: [{ text: expect.stringContaining('CARD') }] });
    await fhir<OperationOutcome>(`Invoice/${randomUUID()}`, 404);
    await fhir<OperationOutcome>('Invoice/not-an-invoice', 404);
  });

  it('searches by subject and status (comma: any of them); a voided invoice is cancelled with its reason', async () => {
    const patientId = randomUUID();
    const first = await billedBooking({ patientId });
    const second = await billedBooking({ patientId });
    const cancelled = { ...second.data, cancellationReason: 'ill', cancelledBy: randomUUID() };
    await publisher.send(topics.appointment, second.data.appointmentId, envelope('AppointmentCancelled', second.data.appointmentId, cancelled));
    await vi.waitFor(async () => expect((await fhir(`Invoice?subject=Patient/${patientId}&status=cancelled`)).total).toBe(1), { timeout: 20_000 });
    const voided = await fhir<Invoice>(`Invoice/${second.invoice.id}`);
    expect(voided).toMatchObject({ status: 'cancelled', cancelledReason: expect.stringContaining('ill') });

    expect(ids(await fhir(`Invoice?subject=${patientId}`)).sort()).toEqual([first.invoice.id, second.invoice.id].sort());
    expect(ids(await fhir(`Invoice?subject=${patientId}&status=issued`))).toEqual([first.invoice.id]);
    expect((await fhir(`Invoice?subject=${patientId}&status=issued,cancelled&_count=1`)).total).toBe(2);
    expect((await fhir(`Invoice?subject=${patientId}&status=draft`)).total).toBe(0);
    expect(expressions(await fhir<OperationOutcome>(`Invoice?subject=${patientId}&patient=${patientId}`, 400))).toEqual(['patient']);
    const lenient = await billing.app.inject({ url: `/fhir/R4/Invoice?subject=${patientId}&patient=x`, headers: { ...staff, prefer: 'handling=lenient' } });
    expect(lenient.json().total).toBe(2);
  });

  it('shows a patient user their own invoices only: 404 and empty searches for anyone else’s; doctors none (403)', async () => {
    const userId = randomUUID();
    const own = await billedBooking();
    const other = await billedBooking();
    billing.patients.owners.set(own.data.patientId, userId);
    billing.patients.owners.set(other.data.patientId, randomUUID());
    const patient = asPatient(userId);

    expect((await fhir<Invoice>(`Invoice/${own.invoice.id}`, 200, patient)).id).toBe(own.invoice.id);
    await fhir<OperationOutcome>(`Invoice/${other.invoice.id}`, 404, patient);
    expect(ids(await fhir(`Invoice?subject=Patient/${own.data.patientId}`, 200, patient))).toEqual([own.invoice.id]);
    expect((await fhir(`Invoice?subject=Patient/${other.data.patientId}`, 200, patient)).total).toBe(0);
    expect((await fhir(`Invoice?subject=Patient/${randomUUID()}`, 200, patient)).total).toBe(0);
    // A reference to another type is refused, never read as a patient id.
    expect(expressions(await fhir<OperationOutcome>(`Invoice?subject=Practitioner/${own.data.patientId}`, 400, patient))).toEqual(['subject']);
    expect(expressions(await fhir<OperationOutcome>('Invoice?status=issued', 400, patient))).toEqual(['subject']);

    const doctor = bearer(billing.tokens.token({ role: 'doctor' }));
    expect((await fhir<OperationOutcome>(`Invoice/${own.invoice.id}`, 403, doctor)).issue[0]?.code).toBe('forbidden');
    await fhir<OperationOutcome>(`Invoice?subject=${own.data.patientId}`, 403, doctor);
    await fhir<OperationOutcome>(`Invoice/${own.invoice.id}`, 401, {});
  });
});
