import {
  BillingAccount,
  IdParams,
  Invoice,
  InvoiceListQuery,
  InvoicePage,
  PatientIdParams,
  PayInvoiceBody,
} from '@pms/contracts';
import { actorOf, type ServiceInstance } from '@pms/platform';
import { readAccount } from '../domain/accounts.js';
import type { BillingContext } from '../domain/context.js';
import { getInvoice, listInvoices, payInvoice } from '../domain/invoices.js';
import { toInvoice } from '../domain/mapping.js';

const tags = ['billing'];

/** /api/billing: thin handlers, the domain decides who sees and changes what. */
export function registerBillingRoutes(app: ServiceInstance, ctx: BillingContext) {
  app.get(
    '/api/billing/accounts/:patientId',
    {
      schema: {
        tags,
        summary: "A patient's billing account (staff, admin; a patient their own)",
        params: PatientIdParams,
        response: { 200: BillingAccount },
      },
    },
    async (request) => readAccount(ctx, actorOf(request), request.params.patientId),
  );

  app.get(
    '/api/billing/invoices',
    {
      schema: {
        tags,
        summary: 'Invoices, newest first (staff, admin; a patient must pass their own patientId)',
        querystring: InvoiceListQuery,
        response: { 200: InvoicePage },
      },
    },
    async (request) => listInvoices(ctx, actorOf(request), request.query),
  );

  app.get(
    '/api/billing/invoices/:id',
    {
      schema: {
        tags,
        summary: 'One invoice (staff, admin; a patient their own)',
        params: IdParams,
        response: { 200: Invoice },
      },
    },
    async (request) => toInvoice(await getInvoice(ctx, actorOf(request), request.params.id)),
  );

  app.post(
    '/api/billing/invoices/:id/pay',
    {
      schema: {
        tags,
        summary: 'Record the payment of a PENDING invoice (staff, admin); 409 when paid or void',
        params: IdParams,
        body: PayInvoiceBody,
        response: { 200: Invoice },
      },
    },
    async (request) => payInvoice(ctx, actorOf(request), request.params.id, request.body),
  );
}
