import { actorOf, type ServiceInstance } from '@pms/platform';
import { badInput, isAppError, notFound } from '@pms/platform/domain';
import { fhirResource, inPatientCompartment, registerFhir } from '@pms/platform/fhir';
import type { BillingContext } from '../domain/context.js';
import { findInvoicesFor, getInvoice } from '../domain/invoices.js';
import { invoiceStatusOfFhir, toFhirInvoice } from '../fhir/invoice.js';

const nothing = { rows: [], total: 0 };

/** Invoice over FHIR: read and search through the JSON API's use cases and access rules. */
const invoice = (ctx: BillingContext) =>
  fhirResource({
    type: 'Invoice',
    searchParams: {
      subject: { type: 'reference', description: 'The patient billed (Patient/<id>); required for patient users', target: ['Patient'] },
      status: { type: 'token', description: 'issued (to pay), balanced (paid) or cancelled (void); comma-separated: any of them' },
    },
    read: async (request, id) => {
      const actor = actorOf(request);
      const row = await inPatientCompartment(actor, getInvoice(ctx, actor, id), () => {
        throw notFound(`Invoice ${id} not found`, 'INVOICE_NOT_FOUND');
      });
      return toFhirInvoice(row);
    },
    search: async (request, search) => {
      const actor = actorOf(request);
      const patientId = search.referenceUuid('subject', 'Patient');
      const statuses = search.anyOf('status')?.flatMap((status) => invoiceStatusOfFhir(status) ?? []);
      // A subject that is no UUID, or only statuses we never have, match nothing.
      if (patientId === null || statuses?.length === 0) return { resources: [], total: 0 };
      const found = await inPatientCompartment(
        actor,
        // Without a subject a patient user gets the JSON API's 400, naming the FHIR parameter.
        findInvoicesFor(ctx, actor, { patientId, statuses }, { limit: search.count, offset: search.offset }).catch(renamed('patientId', 'subject')),
        () => nothing,
      );
      return { resources: found.rows.map(toFhirInvoice), total: found.total };
    },
  });

/** A 400 naming the JSON API's field names the FHIR search parameter instead. */
const renamed = (field: string, parameter: string) => (error: unknown): never => {
  if (!isAppError(error) || error.kind !== 'BAD_INPUT' || !error.details) throw error;
  throw badInput(
    error.message.replace(field, parameter),
    error.details.map((detail) => (detail.field === field ? { ...detail, field: parameter } : detail)),
    error.code,
  );
};

/** The FHIR API of the billing service: /fhir/R4/Invoice and its /metadata. */
export const registerBillingFhir = (app: ServiceInstance, ctx: BillingContext) => registerFhir(app, { name: 'billing', version: '0.1.0' }, [invoice(ctx)]);
