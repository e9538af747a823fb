import {
  BillingAccount,
  IdParams,
  Invoice,
  InvoiceListQuery,
  InvoicePage,
  PatientIdParams,
  PayInvoiceBody,
} from '@pms/contracts';
import { principalOf, type ServiceInstance } from '@pms/platform';
import type { BillingAccounts } from '../domain/accounts.js';
import type { Invoices } from '../domain/invoices.js';

const tags = ['billing'];

/** /api/billing: thin handlers, the domain decides who sees and changes what. */
export function registerBillingRoutes(app: ServiceInstance, accounts: BillingAccounts, invoices: Invoices) {
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
    async (request) => accounts.getFor(principalOf(request), request.params.patientId, request.id),
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
    async (request) => invoices.list(principalOf(request), request.query, request.id),
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
    async (request) => invoices.get(principalOf(request), request.params.id, request.id),
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
    async (request) => invoices.pay(principalOf(request), request.params.id, request.body, request.id),
  );
}
