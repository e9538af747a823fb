import type { Invoice as FhirInvoice, Money } from '@medplum/fhirtypes';
import type { InvoiceStatus } from '@pms/contracts';
import type { InvoiceRow } from '../db/schema.js';

export type FhirInvoiceStatus = FhirInvoice['status'];

/**
 * Our invoice statuses in FHIR's words: PENDING (issued, awaiting payment) is `issued`, PAID is
 * `balanced` (nothing left to pay), VOID (the appointment was cancelled before payment) is
 * `cancelled`, with the void reason as `cancelledReason`. We never hold a `draft` (an invoice is
 * issued the moment the booking is billed) nor an `entered-in-error` one.
 */
export const fhirInvoiceStatusOf: Record<InvoiceStatus, FhirInvoiceStatus> = {
  PENDING: 'issued',
  PAID: 'balanced',
  VOID: 'cancelled',
};

export const invoiceStatusOfFhir = (status: string): InvoiceStatus | undefined =>
  (Object.keys(fhirInvoiceStatusOf) as InvoiceStatus[]).find((ours) => fhirInvoiceStatusOf[ours] === status);

/** `CARDIOLOGY` → `Cardiology`, `GENERAL_PRACTICE` → `General practice`. */
const specialtyText = (specialty: string) => specialty.charAt(0) + specialty.slice(1).toLowerCase().replaceAll('_', ' ');

/**
 * An invoice as FHIR sees it: one line (the appointment, priced by its type or by specialty and
 * length), whose base price is also the net and gross total (we charge no tax). The subject is
 * the patient, the treating doctor a participant; payment terms say the due date, and a note how
 * and when it was paid. Invoices change only by their lifecycle, so `lastUpdated` is their version.
 */
export function toFhirInvoice(row: InvoiceRow): FhirInvoice {
  // BILLING_CURRENCY is an ISO 4217 code (config.ts), which is what Money.currency takes.
  const amount: Money = { value: row.amountCents / 100, currency: row.currency as Money['currency'] };
  const invoice: FhirInvoice = {
    resourceType: 'Invoice',
    id: row.id,
    meta: { lastUpdated: row.updatedAt.toISOString() },
    status: fhirInvoiceStatusOf[row.status],
    subject: { reference: `Patient/${row.patientId}`, display: row.patientName },
    date: row.createdAt.toISOString(),
    participant: [{ role: { text: 'Treating doctor' }, actor: { reference: `Practitioner/${row.doctorId}` } }],
    lineItem: [
      {
        sequence: 1,
        chargeItemCodeableConcept: { text: `${specialtyText(row.specialty)} appointment, ${row.durationMinutes} minutes (appointment ${row.appointmentId})` },
        priceComponent: [{ type: 'base', amount }],
      },
    ],
    totalNet: amount,
    totalGross: amount,
    paymentTerms: `Due by ${row.dueDate}`,
  };
  if (row.status === 'VOID' && row.voidReason) invoice.cancelledReason = row.voidReason;
  if (row.status === 'PAID' && row.paidAt) invoice.note = [{ text: `Paid by ${row.paymentMethod} on ${row.paidAt.toISOString()}`, time: row.paidAt.toISOString() }];
  return invoice;
}
